package dev.compactor.merge.decode;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.api.Binary;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A column reader over {@link FlatPage}s, for the chunks {@link FlatPage#accepts} takes: a value is read straight
 * from the page's bytes (or its dictionary) when asked for, where parquet-java's reader goes through a stream
 * per value. It serves what the merge uses: levels, typed values, consume.
 */
public final class PageColumnReader implements ColumnReader {

    private final ColumnDescriptor column;
    private final FlatPages pages;
    private final long totalValueCount;
    private final int maxDefinition;
    private FlatPage page;
    private int level;
    private int value;

    public PageColumnReader(ColumnDescriptor column, PageReader pages) {
        this.column = column;
        this.pages = new FlatPages(pages, column);
        this.totalValueCount = pages.getTotalValueCount();
        this.maxDefinition = column.getMaxDefinitionLevel();
        nextPage();
    }

    @Override
    public long getTotalValueCount() {
        return totalValueCount;
    }

    @Override
    public void consume() {
        if (page.isDefined(level)) {
            value++;
        }
        level++;
        if (level == page.valueCount) {
            nextPage();
        }
    }

    @Override
    public int getCurrentRepetitionLevel() {
        return 0;
    }

    @Override
    public int getCurrentDefinitionLevel() {
        return page.isDefined(level) ? maxDefinition : maxDefinition - 1;
    }

    @Override
    public int getInteger() {
        return page.getInteger(value);
    }

    @Override
    public long getLong() {
        return page.getLong(value);
    }

    @Override
    public float getFloat() {
        return page.getFloat(value);
    }

    @Override
    public double getDouble() {
        return page.getDouble(value);
    }

    @Override
    public Binary getBinary() {
        return page.getBinary(value);
    }

    @Override
    public boolean getBoolean() {
        throw new UnsupportedOperationException("BOOLEAN columns are read by parquet-java's reader");
    }

    @Override
    public void writeCurrentValueToConverter() {
        throw new UnsupportedOperationException("values are copied, not converted");
    }

    @Override
    public void skip() {
        throw new UnsupportedOperationException("rows are consumed, not skipped");
    }

    @Override
    public int getCurrentValueDictionaryID() {
        throw new UnsupportedOperationException("values are read by value, not by dictionary entry");
    }

    @Override
    public ColumnDescriptor getDescriptor() {
        return column;
    }

    /** Moves to the next page with values; past the last one, the reader stays on an empty end. */
    private void nextPage() {
        level = 0;
        value = 0;
        try {
            for (FlatPage next = pages.next(); next != null; next = pages.next()) {
                page = next;
                if (page.valueCount > 0) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
