// The BigQuery emulator in its own process for the benchmark, so that its work (DuckDB, JSON and
// Arrow encoding) does not share the measured process's event loop. Prints one JSON line with the
// endpoints and the key, then serves until stdin closes.
// Env: BENCH_ROWS (rows of the wide table), BENCH_LATENCY_MS (added to each REST call, read-session
// creation and ReadRows stream open: a round trip plus the service's time to answer, 50 ms by default).
import { createBigQueryEmulator } from '@automl/sandbox/bigquery';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
// A cache large enough for every page of the table: after the warm-up read, the emulator serves
// encoded bytes and the injected latency stands for the service's own time.
const emulator = createBigQueryEmulator({ storageRowsPerBatch: 10_000, maxUploadBytes: 512 * 1024 * 1024, pageCacheBytes: 4 * 1024 * 1024 * 1024 });
const url = await emulator.start();
const key = emulator.createServiceAccount({ projectId: 'bench-project' });
await emulator.createDataset('bench');
// 20 columns: 5 INT64, 5 FLOAT64, 5 STRING, 2 BOOL, 2 TIMESTAMP, 1 DATE.
const columns = [
  ...[0, 1, 2, 3, 4].map((n) => `(range * ${n + 1})::BIGINT AS i${n}`),
  ...[0, 1, 2, 3, 4].map((n) => `(range / ${n + 3})::DOUBLE AS f${n}`),
  ...[0, 1, 2, 3, 4].map((n) => `'value-' || (range % ${1000 + n})::VARCHAR AS s${n}`),
  ...[0, 1].map((n) => `(range % ${n + 2} = 0) AS b${n}`),
  ...[0, 1].map((n) => `(TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(range * ${n + 1})) AS t${n}`),
  `(DATE '2020-01-01' + (range % 3650)::INTEGER) AS d0`,
];
await emulator.warehouse.serial((connection) =>
  connection.run(`CREATE TABLE "bench-project"."bench"."wide" AS SELECT ${columns.join(', ')} FROM range(${rows})`),
);
emulator.faults.inject({
  route: [
    'tabledata.list',
    'jobs.getQueryResults',
    'jobs.query',
    'jobs.insert',
    'jobs.get',
    'tables.get',
    'jobs.upload',
    'storage.readRows',
    'storage.createReadSession',
  ],
  fault: { kind: 'latency', ms: latencyMs },
});
process.stdout.write(`${JSON.stringify({ url, storage: emulator.storageEndpoint, key, rows, latencyMs })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await emulator.stop();
  process.exit(0);
});
