// pnpm bench: BigQuery connector read and load figures against the sandbox emulator (run in a child
// process), with latency injected on every call, each measured beside the plain SDK in the same run.
// 1. Read the wide table (BENCH_ROWS rows x 20 columns, default 1,000,000) through the connector's
//    Storage Read path (4 streams), its REST path, the plain SDK's table.getRows loop and a plain
//    Storage Read loop (4 streams, apache-arrow rows): rows/s, ratios, peak RSS.
// 2. Load 100,000 rows with the connector (append): jobs created, wall time.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BigQuery } from '@google-cloud/bigquery';
import { v1 } from '@google-cloud/bigquery-storage';
import { credentials } from '@grpc/grpc-js';
import { RecordBatchReader } from 'apache-arrow';
import { JWT } from 'google-auth-library';
import { BigQueryConnector } from '../dist/index.js';

process.env.METADATA_SERVER_DETECTION = 'none';
const child = spawn(process.execPath, [fileURLToPath(new URL('./emulator-process.ts', import.meta.url))], {
  stdio: ['pipe', 'pipe', 'inherit'],
  env: process.env,
});
const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
const {
  url,
  storage,
  key,
  rows: total,
  latencyMs,
} = JSON.parse(first) as {
  url: string;
  storage: { host: string; port: number };
  key: { client_email: string; private_key: string; private_key_id: string; project_id: string };
  rows: number;
  latencyMs: number;
};
const jwt = () => {
  const auth = new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes: ['https://www.googleapis.com/auth/bigquery'] });
  auth.useJWTAccessWithScope = true;
  return auth;
};
const config = (overrides: Record<string, unknown>) => ({
  connectionType: 'bigquery',
  projectId: 'bench-project',
  datasetId: 'bench',
  credentialsJson: key,
  baseUrl: url,
  storageApiEndpoint: `http://${storage.host}:${storage.port}`,
  requestsPerMinute: 0,
  ...overrides,
});

/** Runs `work` and reports rows/s and the peak RSS seen while it ran. */
async function measure(label: string, work: () => Promise<number>): Promise<{ label: string; seconds: number; rows: number; peakMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 25);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const rows = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const result = { label, seconds, rows, peakMb: peak / 1024 / 1024 };
  console.log(
    `${label.padEnd(44)} ${rows} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s, client CPU ${cpuSeconds.toFixed(2)} s, peak RSS ${result.peakMb.toFixed(0)} MB, peak heap ${(peakHeap / 1024 / 1024).toFixed(0)} MB`,
  );
  return result;
}

async function connectorRead(storageRead: boolean): Promise<number> {
  const connector = new BigQueryConnector(config({ storageRead, storageReadMinRows: 0, maxStreams: 4 }), { metricsRegistry: null });
  let count = 0;
  for await (const page of connector.read({ table: 'wide', pageSize: 10_000 })) count += page.length;
  await connector.close();
  return count;
}

async function sdkRestRead(): Promise<number> {
  const table = new BigQuery({ projectId: 'bench-project', apiEndpoint: url, authClient: jwt(), autoRetry: false }).dataset('bench').table('wide');
  let count = 0;
  let pageToken: string | undefined;
  do {
    const [rows, next] = await table.getRows({ autoPaginate: false, maxResults: 10_000, pageToken });
    count += rows.length;
    pageToken = (next as { pageToken?: string } | null)?.pageToken;
  } while (pageToken);
  return count;
}

async function sdkStorageRead(): Promise<number> {
  const client = new v1.BigQueryReadClient({
    apiEndpoint: storage.host,
    port: storage.port,
    sslCreds: credentials.createInsecure(),
    authClient: jwt() as never,
  });
  const [session] = await client.createReadSession({
    parent: 'projects/bench-project',
    readSession: { table: 'projects/bench-project/datasets/bench/tables/wide', dataFormat: 'ARROW' },
    maxStreamCount: 4,
  });
  const schema = session.arrowSchema!.serializedSchema as Uint8Array;
  const counts = await Promise.all(
    session.streams!.map(async (stream) => {
      let count = 0;
      for await (const response of client.readRows({ readStream: stream.name!, offset: 0 })) {
        const batch = response.arrowRecordBatch!.serializedRecordBatch as Uint8Array;
        const bytes = new Uint8Array(schema.length + batch.length);
        bytes.set(schema);
        bytes.set(batch, schema.length);
        for (const recordBatch of RecordBatchReader.from(bytes)) for (const row of recordBatch) if (row!.toJSON()) count += 1;
      }
      return count;
    }),
  );
  await client.close();
  return counts.reduce((sum, count) => sum + count, 0);
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
console.log(
  `BigQuery bench: ${total.toLocaleString('en-US')} rows x 20 columns, ${latencyMs} ms added to every call and stream open (emulator in a child process), median of ${rounds} rounds, order alternated`,
);
const allPhases: Array<[string, () => Promise<number>]> = [
  ['connector, Storage Read API (4 streams)', () => connectorRead(true)],
  ['plain SDK, Storage Read API (4 streams)', sdkStorageRead],
  ['connector, REST (tabledata.list)', () => connectorRead(false)],
  ['plain SDK, REST (table.getRows loop)', sdkRestRead],
];
// BENCH_ONLY=storage or rest: one path only (profiling); BENCH_LOAD=0 skips the load.
const only = process.env.BENCH_ONLY;
const phases = only ? allPhases.filter(([label]) => label.toLowerCase().includes(only.toLowerCase())) : allPhases;
// Warm-up, not measured: fills the emulator's page and batch caches (DuckDB reads, JSON and Arrow
// encoding happen once), JIT-compiles both clients.
for (const [label, work] of phases.filter(([label]) => label.startsWith('connector'))) await measure(`warm-up: ${label}`, work);
const times = new Map<string, number[]>(phases.map(([label]) => [label, []]));
const peaks = new Map<string, number>();
for (let round = 0; round < rounds; round += 1) {
  // Alternate the order: the first phase of a run pays the warm-up (JIT, DuckDB, the gRPC channel).
  const order = round % 2 === 0 ? phases : [...phases].reverse();
  for (const [label, work] of order) {
    const result = await measure(label, work);
    times.get(label)!.push(result.seconds);
    peaks.set(label, Math.max(peaks.get(label) ?? 0, result.peakMb));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const medianOf = (index: number) => {
  const values = times.get(allPhases[index]![0]);
  return values && values.length > 0 ? median(values) : Number.NaN;
};
const [storageRead, sdkStorage, restRead, sdkRest] = [0, 1, 2, 3].map(medianOf) as [number, number, number, number];
console.log('medians:');
for (const [label] of phases.filter(([label]) => (times.get(label) ?? []).length > 0))
  console.log(
    `  ${label.padEnd(44)} ${Math.round(total / median(times.get(label)!)).toLocaleString('en-US')} rows/s, peak RSS ${peaks.get(label)!.toFixed(0)} MB`,
  );
console.log(`Storage vs REST through the connector: ${(restRead / storageRead).toFixed(1)}x the throughput`);
console.log(`connector / plain SDK wall time: Storage ${(storageRead / sdkStorage).toFixed(2)}, REST ${(restRead / sdkRest).toFixed(2)}`);

if (process.env.BENCH_LOAD === '0') {
  child.stdin!.end();
  process.exit(0);
}
const loadRows = Array.from({ length: 100_000 }, (_, index) => ({
  id: index,
  name: `name-${index}`,
  score: index / 7,
  active: index % 2 === 0,
  at: new Date(1_700_000_000_000 + index * 1000),
}));
const loader = new BigQueryConnector(config({}), { metricsRegistry: null });
await measure('connector, load 100,000 rows (append)', async () => (await loader.write(loadRows, { table: 'loaded', mode: 'append' })).written);
const admin = new BigQuery({ projectId: 'bench-project', apiEndpoint: url, authClient: jwt() });
const [table] = await admin.dataset('bench').table('loaded').getMetadata();
const [jobs] = await admin.getJobs({ projection: 'full' });
const loads = jobs.filter((job) => job.metadata?.configuration?.load?.destinationTable?.tableId === 'loaded');
console.log(`  table holds ${table.numRows} rows; load jobs created: ${loads.length} (maxLoadRows 50,000, maxLoadBytes 16 MB)`);
await loader.close();
child.stdin!.end();
