// Writes Parquet files with non-JVM writers, for ForeignWritersIT: node write-foreign.mjs <outDir>
//
// For every writer configuration it writes three files, <config>-0.parquet .. <config>-2.parquet, with the same
// schema and different rows (and partly different string values, so each file has its own dictionary). Columns are
// chosen for what a merge can get wrong: nulls everywhere, required columns, unsigned and small integers, NaN, -0
// and extremes, timestamps in ms and µs with and without a time zone, decimals on each physical type, nesting.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import * as arrow from 'apache-arrow'
import * as wasm from 'parquet-wasm'
import { parquetWriteBuffer, schemaFromColumnData } from 'hyparquet-writer'
import { mulberry32 } from './mulberry32.mjs'

const ROWS_PER_FILE = [300, 1200, 2500]
const TS_BASE_MICROS = 1_700_000_000_000_000n

// arrow-rs writer properties; each configuration changes the layout (page version, encodings, row group and page
// sizes, statistics) and uses another codec.
const PARQUET_WASM = {
  'parquet-wasm-defaults': () => new wasm.WriterPropertiesBuilder(),
  'parquet-wasm-v2-snappy': () => new wasm.WriterPropertiesBuilder()
    .setWriterVersion(wasm.WriterVersion.V2).setCompression(wasm.Compression.SNAPPY),
  'parquet-wasm-nodict-gzip': () => new wasm.WriterPropertiesBuilder()
    .setDictionaryEnabled(false).setCompression(wasm.Compression.GZIP),
  // many row groups and pages, and dictionaries that overflow their page limit and fall back to PLAIN mid-chunk
  'parquet-wasm-small-lz4raw': () => new wasm.WriterPropertiesBuilder()
    .setMaxRowGroupSize(250).setDataPageSizeLimit(256).setDictionaryPageSizeLimit(512).setWriteBatchSize(64)
    .setCompression(wasm.Compression.LZ4_RAW),
  // without dictionaries V2 falls back to DELTA_BINARY_PACKED and DELTA_BYTE_ARRAY; no statistics to sort by.
  // DuckDB (1.4) cannot read DELTA_BYTE_ARRAY on FIXED_LEN_BYTE_ARRAY, so that decimal stays PLAIN.
  'parquet-wasm-v2-delta-nostats-zstd': () => new wasm.WriterPropertiesBuilder()
    .setWriterVersion(wasm.WriterVersion.V2).setDictionaryEnabled(false)
    .setColumnEncoding('f64', wasm.Encoding.BYTE_STREAM_SPLIT).setColumnEncoding('dec38', wasm.Encoding.PLAIN)
    .setStatisticsEnabled(wasm.EnabledStatistics.None).setCompression(wasm.Compression.ZSTD),
  'parquet-wasm-v2-small-brotli': () => new wasm.WriterPropertiesBuilder()
    .setWriterVersion(wasm.WriterVersion.V2).setMaxRowGroupSize(400).setDataPageSizeLimit(512)
    .setCompression(wasm.Compression.BROTLI),
}

// hyparquet-writer always writes V2 data pages; it compresses SNAPPY itself and any other codec through a function
const HYPARQUET = {
  'hyparquet-writer-defaults': {},
  'hyparquet-writer-small-gzip': {
    rowGroupSize: 200, pageSize: 512, statistics: false, codec: 'GZIP', compressors: { GZIP: b => gzipSync(b) },
  },
  'hyparquet-writer-delta-brotli': {
    codec: 'BROTLI', compressors: { BROTLI: b => brotliCompressSync(b) },
    encodings: { id: 'DELTA_BINARY_PACKED', i64: 'DELTA_BINARY_PACKED', i32: 'DELTA_BINARY_PACKED',
      s: 'DELTA_BYTE_ARRAY', f64: 'BYTE_STREAM_SPLIT' },
  },
}

const outDir = process.argv[2]
if (!outDir) {
  console.error('usage: node write-foreign.mjs <outDir>')
  process.exit(2)
}
mkdirSync(outDir, { recursive: true })

for (const [config, properties] of Object.entries(PARQUET_WASM)) {
  ROWS_PER_FILE.forEach((n, file) => {
    const table = wasm.Table.fromIPCStream(arrow.tableToIPC(arrowTable(rows(config, file, n)), 'stream'))
    writeFileSync(join(outDir, `${config}-${file}.parquet`), wasm.writeParquet(table, properties().build()))
  })
}
for (const [config, { encodings = {}, ...options }] of Object.entries(HYPARQUET)) {
  ROWS_PER_FILE.forEach((n, file) => {
    const { columnData, schema } = hyparquetColumns(rows(config, file, n))
    const encoded = columnData.map(c => encodings[c.name] ? { ...c, encoding: encodings[c.name] } : c)
    const bytes = parquetWriteBuffer({ columnData: encoded, schema, ...options })
    writeFileSync(join(outDir, `${config}-${file}.parquet`), new Uint8Array(bytes))
  })
}

/** Deterministic rows of one file; the seed is the configuration and file, so every file differs. */
function rows(config, file, n) {
  const random = mulberry32([...`${config}/${file}`].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0) | 0, 7))
  const chance = p => random() < p
  const pick = values => values[Math.floor(random() * values.length)]
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1))
  const words = ['alpha', 'beta', 'gamma', 'δέλτα', '', 'x'.repeat(40), `only-in-file-${file}`, 'emoji 🦆']
  const list = element => chance(0.1) ? null : Array.from({ length: chance(0.15) ? 0 : int(1, 4) },
    () => chance(0.1) ? null : element())
  const out = []
  for (let i = 0; i < n; i++) {
    // an hour of timestamps, half of them whole milliseconds, and repeats: ties within and across files
    const ts = chance(0.03) ? null : chance(0.1) && out.length ? out[out.length - 1].ts
      : TS_BASE_MICROS + 1000n * BigInt(int(0, 3_600_000)) + (chance(0.5) ? 0n : BigInt(int(1, 999)))
    out.push({
      id: BigInt(file * 1_000_000 + i),
      i64: chance(0.1) ? null : chance(0.05) ? pick([-(2n ** 63n), 2n ** 63n - 1n, 0n])
        : BigInt(int(-(2 ** 31), 2 ** 31 - 1)) << 21n | BigInt(int(0, 2 ** 21 - 1)),
      i32: chance(0.1) ? null : chance(0.05) ? pick([-(2 ** 31), 2 ** 31 - 1]) : int(-1e6, 1e6),
      i16: chance(0.1) ? null : int(-32768, 32767),
      u32: chance(0.1) ? null : pick([0, 2 ** 32 - 1, int(2 ** 31, 2 ** 32 - 1), int(0, 1000)]),
      f64: chance(0.05) ? null : chance(0.2)
        ? pick([NaN, -0, 0, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE])
        : random() * 1e6 - 5e5,
      f32: chance(0.05) ? null : chance(0.2) ? pick([NaN, -0, Infinity, -Infinity, 3.4028234663852886e38])
        : Math.fround(random() * 1000 - 500),
      s: chance(0.08) ? null : pick(words),
      b: chance(0.1) ? null : chance(0.5),
      ts,
      day: chance(0.1) ? null : int(-719162, 2932896), // 0001-01-01 .. 9999-12-31 in days since the epoch
      dec9: chance(0.1) ? null : BigInt(int(-999_999_999, 999_999_999)),
      dec18: chance(0.1) ? null : BigInt(int(-(2 ** 53), 2 ** 53)) * pick([1n, 99n]),
      dec38: chance(0.1) ? null : (chance(0.5) ? -1n : 1n) * (10n ** 37n + BigInt(int(0, 2 ** 31)) ** 2n),
      li: list(() => int(-1000, 1000)),
      ls: list(() => pick(words)),
      st: chance(0.1) ? null : { a: chance(0.2) ? null : int(-5, 5), b: chance(0.2) ? null : pick(words) },
    })
  }
  return out
}

function arrowTable(rows) {
  const column = (name, type) => arrow.vectorFromArray(rows.map(r => r[name]), type)
  const nullable = (name, type) => new arrow.Field(name, type, true)
  const vectors = {
    id: fixedWidth(new arrow.Int64(), rows.map(r => r.id)),
    i64: fixedWidth(new arrow.Int64(), rows.map(r => r.i64)),
    i32: column('i32', new arrow.Int32()),
    i16: column('i16', new arrow.Int16()),
    u32: column('u32', new arrow.Uint32()),
    f64: column('f64', new arrow.Float64()),
    f32: column('f32', new arrow.Float32()),
    s: column('s', new arrow.Utf8()),
    b: column('b', new arrow.Bool()),
    ts: fixedWidth(new arrow.TimestampMicrosecond('UTC'), rows.map(r => r.ts)),
    ts_ms: fixedWidth(new arrow.TimestampMillisecond(), rows.map(r => r.ts === null ? null : r.ts / 1000n)),
    day: fixedWidth(new arrow.DateDay(), rows.map(r => r.day)),
    dec9: fixedWidth(new arrow.Decimal(2, 9, 128), rows.map(r => r.dec9)),
    dec18: fixedWidth(new arrow.Decimal(3, 18, 128), rows.map(r => r.dec18)),
    dec38: fixedWidth(new arrow.Decimal(10, 38, 128), rows.map(r => r.dec38)),
    li: column('li', new arrow.List(nullable('item', new arrow.Int32()))),
    ls: column('ls', new arrow.List(nullable('item', new arrow.Utf8()))),
    st: column('st', new arrow.Struct([nullable('a', new arrow.Int32()), nullable('b', new arrow.Utf8())])),
  }
  // id is the one REQUIRED column: Table's own constructor would make every field nullable
  const fields = Object.entries(vectors).map(([name, v]) => new arrow.Field(name, v.type, name !== 'id'))
  const schema = new arrow.Schema(fields)
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: rows.length, nullCount: 0,
    children: Object.values(vectors).map(v => v.data[0]) })
  return new arrow.Table([new arrow.RecordBatch(schema, data)])
}

/**
 * A nullable vector of a fixed-width type built from its raw values. arrow's builders take timestamps in
 * milliseconds (dropping microseconds) and no decimal values at all, so these are laid out by hand.
 */
function fixedWidth(type, values) {
  const decimal = type.typeId === arrow.Type.Decimal
  const raw = decimal ? new BigInt64Array(2 * values.length)
    : type.typeId === arrow.Type.Date ? new Int32Array(values.length) : new BigInt64Array(values.length)
  const validity = new Uint8Array((values.length + 7) >> 3)
  values.forEach((v, i) => {
    if (v === null) return
    validity[i >> 3] |= 1 << (i & 7)
    if (decimal) {
      // a 128-bit two's complement little-endian integer: the low word, then the sign-extended high word
      raw[2 * i] = BigInt.asIntN(64, v)
      raw[2 * i + 1] = v >> 64n
    } else {
      raw[i] = v
    }
  })
  return arrow.makeVector(arrow.makeData({
    type, length: values.length, nullCount: values.filter(v => v === null).length, nullBitmap: validity,
    data: decimal ? new Uint32Array(raw.buffer) : raw,
  }))
}

/** hyparquet-writer's column data and schema; DECIMAL has no basic type, so its columns are given as overrides. */
function hyparquetColumns(rows) {
  const of = name => rows.map(r => r[name])
  const decimal = (name, physical, precision, scale) =>
    ({ name, ...physical, converted_type: 'DECIMAL', precision, scale, repetition_type: 'OPTIONAL' })
  const columnData = [
    { name: 'id', data: of('id'), type: 'INT64', nullable: false },
    { name: 'i64', data: of('i64'), type: 'INT64' },
    { name: 'i32', data: of('i32'), type: 'INT32' },
    { name: 'f64', data: of('f64'), type: 'DOUBLE' },
    { name: 's', data: of('s'), type: 'STRING' },
    { name: 'b', data: of('b'), type: 'BOOLEAN' },
    // the legacy TIMESTAMP_MILLIS converted type, without a logical type
    { name: 'ts', data: rows.map(r => r.ts === null ? null : r.ts / 1000n), type: 'TIMESTAMP' },
    { name: 'dec38', data: of('dec38') },
    { name: 'dec18', data: of('dec18') },
  ]
  // the legacy DECIMAL converted type, without a logical type: on FIXED_LEN_BYTE_ARRAY, and on BYTE_ARRAY
  // (minimal big-endian two's complement bytes), which few writers use
  const schema = schemaFromColumnData({ columnData, schemaOverrides: {
    dec38: decimal('dec38', { type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16 }, 38, 10),
    dec18: decimal('dec18', { type: 'BYTE_ARRAY' }, 18, 3),
  } })
  // with an explicit schema, the writer takes no types in the column data
  return { columnData: columnData.map(({ type, nullable, ...column }) => column), schema }
}
