package dev.compactor.store;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The tests' one fault-injecting store: a real store with faults planted by a {@link Plan}. The plan sees every call
 * before it runs and once it took effect, and throws where the test wants the call to fail: an {@link IOException}
 * (a store or network error), an unchecked exception (as some store clients throw), or an {@link Error} (a crashed
 * process: it fails the Flink task and the job restarts from its last checkpoint). It can also hand out outputs that
 * fail part way, as a disk filling up during a merge would, and inputs whose streams it watches or slows.
 * {@code deleteVersion} reaches the plan as the
 * {@link Op#DELETE} it ends in.
 */
public final class FaultyStore extends ForwardingObjectStore {

    /** The kinds of call; {@link #WRITE} covers the create-only write too. */
    public enum Op { LIST, HEAD, READ, OUTPUT, WRITE, MOVE, DELETE }

    /**
     * One call: its kind, its key (a prefix for {@link Op#LIST}, the source of a {@link Op#MOVE}) and, for a move,
     * the key it moves to.
     */
    public record Call(Op op, String key, String target) {
        public boolean is(Op kind, String keyPrefix) {
            return op == kind && key.startsWith(keyPrefix);
        }
    }

    /** Where the faults are. Each method may throw to fail the call. */
    public interface Plan {
        /** Before the call: a fault here means the call had no effect. */
        default void before(Call call) throws IOException {}

        /** After the call took effect: a fault here loses only its answer. */
        default void after(Call call) throws IOException {}

        /** The output an {@link Op#OUTPUT} call hands out, e.g. one that fails after some bytes. */
        default OutputFile output(String key, OutputFile target) {
            return target;
        }

        /** The input a {@link Op#READ} of {@code inputFile} hands out, e.g. one whose seeks are slow. */
        default InputFile input(String key, InputFile source) {
            return source;
        }
    }

    private final Plan plan;

    public FaultyStore(ObjectStore delegate, Plan plan) {
        super(delegate);
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    /** A plan that fails the calls it is told to, once each, with an IOException. */
    public static final class FailNext implements Plan {
        private Op op;
        private String keyPrefix;

        /** The next {@code op} on a key starting with {@code keyPrefix} fails, and no later one. */
        public void failNext(Op op, String keyPrefix) {
            this.op = op;
            this.keyPrefix = keyPrefix;
        }

        @Override
        public void before(Call call) throws IOException {
            if (op != null && call.is(op, keyPrefix)) {
                op = null;
                throw new IOException("injected failure: " + call.op() + " " + call.key());
            }
        }
    }

    /** What {@link #crashAfterChanges} fails with. */
    public static final String CRASH = "crash injected";

    /**
     * Once {@code budget} changes (write, create-only write, delete, move) were made, that change and every later one
     * fail with an IOException {@link #CRASH}, as if the process died there; reads still work, so a test can look at
     * what the crash left. The budget may be shared by the stores a factory opens, and reset to go on.
     */
    public static Plan crashAfterChanges(AtomicInteger budget) {
        return new Plan() {
            @Override
            public void before(Call call) throws IOException {
                boolean change = call.op() == Op.WRITE || call.op() == Op.DELETE || call.op() == Op.MOVE;
                if (change && budget.getAndDecrement() <= 0) {
                    throw new IOException(CRASH);
                }
            }
        };
    }

    /** Every output to {@code key} fails as it opens: an IOException, or an IllegalStateException if unchecked. */
    public static Plan failOutputs(String key, boolean unchecked) {
        return new Plan() {
            @Override
            public void before(Call call) throws IOException {
                if (call.op() == Op.OUTPUT && call.key().equals(key)) {
                    if (unchecked) {
                        throw new IllegalStateException("injected unchecked write failure for " + key);
                    }
                    throw new IOException("injected write failure for " + key);
                }
            }
        };
    }

    /** The output to {@code key} opens but fails once {@code bytes} bytes were written to it. */
    public static Plan failOutputAfter(String key, long bytes) {
        return new Plan() {
            @Override
            public OutputFile output(String outputKey, OutputFile target) {
                return outputKey.equals(key) ? failingAfter(target, bytes) : target;
            }
        };
    }

    /** An output whose stream fails once {@code bytes} bytes were written to it. */
    public static OutputFile failingAfter(OutputFile target, long bytes) {
        return new WrappingOutputFile(target) {
            @Override
            protected PositionOutputStream wrap(PositionOutputStream out) {
                return new PositionOutputStream() {
                    @Override
                    public long getPos() throws IOException {
                        return out.getPos();
                    }

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (out.getPos() + len > bytes) {
                            throw new IOException("injected failure after " + bytes + " bytes of " + target.getPath());
                        }
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.close();
                    }
                };
            }
        };
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        Call call = new Call(Op.LIST, prefix, null);
        plan.before(call);
        List<ObjectInfo> listed = super.list(prefix);
        plan.after(call);
        return listed;
    }

    @Override
    public List<ObjectInfo> list(String prefix, Predicate<String> skipDirectory) throws IOException {
        Call call = new Call(Op.LIST, prefix, null);
        plan.before(call);
        List<ObjectInfo> listed = super.list(prefix, skipDirectory);
        plan.after(call);
        return listed;
    }

    @Override
    public Optional<ObjectInfo> head(String key) throws IOException {
        Call call = new Call(Op.HEAD, key, null);
        plan.before(call);
        Optional<ObjectInfo> info = super.head(key);
        plan.after(call);
        return info;
    }

    @Override
    public InputFile inputFile(String key) throws IOException {
        Call call = new Call(Op.READ, key, null);
        plan.before(call);
        InputFile input = plan.input(key, super.inputFile(key));
        plan.after(call);
        return input;
    }

    @Override
    public byte[] read(String key) throws IOException {
        Call call = new Call(Op.READ, key, null);
        plan.before(call);
        byte[] content = super.read(key);
        plan.after(call);
        return content;
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        Call call = new Call(Op.OUTPUT, key, null);
        plan.before(call);
        OutputFile output = plan.output(key, super.outputFile(key));
        plan.after(call);
        return output;
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        Call call = new Call(Op.WRITE, key, null);
        plan.before(call);
        super.write(key, content);
        plan.after(call);
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] content) throws IOException {
        Call call = new Call(Op.WRITE, key, null);
        plan.before(call);
        boolean written = super.writeIfAbsent(key, content);
        plan.after(call);
        return written;
    }

    @Override
    public void move(String from, String to) throws IOException {
        Call call = new Call(Op.MOVE, from, to);
        plan.before(call);
        super.move(from, to);
        plan.after(call);
    }

    @Override
    public boolean delete(String key) throws IOException {
        Call call = new Call(Op.DELETE, key, null);
        plan.before(call);
        boolean deleted = super.delete(key);
        plan.after(call);
        return deleted;
    }
}
