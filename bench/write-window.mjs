// Writes one benchmark window with a non-JVM writer, for WritersBenchmark (bench/writers-bench.sh):
//   node bench/write-window.mjs <parquet-wasm|hyparquet-writer> <outDir> <files> <rowsPerFile> <sorted 0|1> <seed>
// Needs it/node_modules (npm ci --prefix it). Every file is one row group (up to 1 M rows), SNAPPY, the writer's
// default pages and encodings (arrow-rs: V1 pages, dictionaries; hyparquet-writer: V2 pages, dictionaries).
// Columns as WritersBenchmark writes them with parquet-java and DuckDB: ts (timestamp µs, UTC), writer (string, 20
// values), seq (int64), user_id (int64, nullable), value (double, nullable), payload (string, nullable, 20 random
// characters), category (string, nullable, 8 values).
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mulberry32 } from '../it/writers/mulberry32.mjs'

// the packages live in it/node_modules, next to the conformance suite's writers
const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '../it/package.json'))
const arrow = await import(require.resolve('apache-arrow'))
const wasm = await import(require.resolve('parquet-wasm'))
const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'))

const [writer, outDir, filesArg, rowsArg, sortedArg, seedArg] = process.argv.slice(2)
if (!['parquet-wasm', 'hyparquet-writer'].includes(writer) || !outDir || !rowsArg) {
  console.error('usage: node write-window.mjs <parquet-wasm|hyparquet-writer> <outDir> <files> <rowsPerFile> <sorted 0|1> [seed]')
  process.exit(2)
}
const files = Number(filesArg)
const rowsPerFile = Number(rowsArg)
const sorted = sortedArg === '1'
const WINDOW_START_MICROS = 1_767_222_000_000_000n
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const CATEGORIES = ['click', 'view', 'purchase', 'search', 'login', 'logout', 'share', 'error']
const random = mulberry32(Number(seedArg ?? 1))
mkdirSync(outDir, { recursive: true })

for (let f = 0; f < files; f++) {
  const writerName = `writer-${f % 20}`
  // files overlap in time (each spans ten minutes, a new one every hour / files), so a sort interleaves them
  const fileStartMs = 1_767_222_000_000 + Math.floor(f * 3_600_000 / files)
  // microseconds, sorted as numbers (exact below 2^53) before they become BigInts
  const tsMicros = new Float64Array(rowsPerFile)
  for (let i = 0; i < rowsPerFile; i++) {
    tsMicros[i] = (fileStartMs + Math.floor(random() * 600_000)) * 1000 + Math.floor(random() * 1000)
  }
  if (sorted) tsMicros.sort()
  const ts = new BigInt64Array(rowsPerFile)
  const seq = new BigInt64Array(rowsPerFile)
  const userId = new Array(rowsPerFile)
  const value = new Array(rowsPerFile)
  const payload = new Array(rowsPerFile)
  const category = new Array(rowsPerFile)
  for (let i = 0; i < rowsPerFile; i++) {
    ts[i] = BigInt(tsMicros[i])
    seq[i] = BigInt(i)
    userId[i] = random() < 0.1 ? null : BigInt(Math.floor(random() * 1_000_000))
    value[i] = random() < 0.1 ? null : random() * 1000
    if (random() < 0.1) {
      payload[i] = null
    } else {
      let s = ''
      for (let c = 0; c < 20; c++) s += ALPHANUMERIC[Math.floor(random() * ALPHANUMERIC.length)]
      payload[i] = s
    }
    category[i] = random() < 0.2 ? null : CATEGORIES[Math.floor(random() * CATEGORIES.length)]
  }
  const key = `${Math.floor(fileStartMs / 1000)}-${writerName}-${String(f).padStart(5, '0')}.parquet`
  const bytes = writer === 'parquet-wasm'
    ? arrowRs({ ts, writerName, seq, userId, value, payload, category })
    : hyparquet({ ts, writerName, seq, userId, value, payload, category })
  writeFileSync(join(outDir, key), bytes)
}

function arrowRs({ ts, writerName, seq, userId, value, payload, category }) {
  const n = ts.length
  const vectors = {
    ts: arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: n, data: ts })),
    writer: arrow.vectorFromArray(new Array(n).fill(writerName), new arrow.Utf8()),
    seq: arrow.makeVector(seq),
    user_id: arrow.vectorFromArray(userId, new arrow.Int64()),
    value: arrow.vectorFromArray(value, new arrow.Float64()),
    payload: arrow.vectorFromArray(payload, new arrow.Utf8()),
    category: arrow.vectorFromArray(category, new arrow.Utf8()),
  }
  const required = new Set(['ts', 'writer', 'seq'])
  const fields = Object.entries(vectors).map(([name, v]) => new arrow.Field(name, v.type, !required.has(name)))
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0,
    children: Object.values(vectors).map(v => v.data[0]) })
  const table = new arrow.Table([new arrow.RecordBatch(new arrow.Schema(fields), data)])
  const properties = new wasm.WriterPropertiesBuilder().setCompression(wasm.Compression.SNAPPY)
    .setMaxRowGroupSize(1_000_000).build()
  return wasm.writeParquet(wasm.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), properties)
}

function hyparquet({ ts, writerName, seq, userId, value, payload, category }) {
  const n = ts.length
  const schema = [
    { name: 'root', num_children: 7 },
    { name: 'ts', type: 'INT64', repetition_type: 'REQUIRED',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } },
    { name: 'writer', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED', converted_type: 'UTF8' },
    { name: 'seq', type: 'INT64', repetition_type: 'REQUIRED' },
    { name: 'user_id', type: 'INT64', repetition_type: 'OPTIONAL' },
    { name: 'value', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    { name: 'payload', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
    { name: 'category', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
  ]
  const columnData = [
    { name: 'ts', data: ts },
    { name: 'writer', data: new Array(n).fill(writerName) },
    { name: 'seq', data: seq },
    { name: 'user_id', data: userId },
    { name: 'value', data: value },
    { name: 'payload', data: payload },
    { name: 'category', data: category },
  ]
  return new Uint8Array(parquetWriteBuffer({ columnData, schema, rowGroupSize: 1_000_000 }))
}
