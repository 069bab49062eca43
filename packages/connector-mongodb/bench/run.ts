// pnpm bench: MongoDB connector figures against a real FerretDB (SQLite backend) through the fault
// proxy, which adds latency to every read and write command, as a network to Atlas would.
// 1. Read 100,000 documents: the connector's read() vs a plain driver cursor loop (same sort,
//    same batch size), alternating, median of the rounds; peak RSS of each.
// 2. Upsert 1,000 documents keyed on _id (UPSERTS=...): the connector's write() vs a plain
//    bulkWrite loop in batches of 1,000. Keyed on _id because FerretDB's SQLite backend looks up
//    only _id without a full scan (an upsert by another key scans the collection per statement:
//    ~30 s per 1,000); even so each upsert statement costs milliseconds there, so the size is small.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MongoFaultProxy, startFerretDb } from '@automl/sandbox/mongodb';
import { MongoClient } from 'mongodb';
import { MongoDbConnector } from '../dist/index.js';

const DOCUMENTS = Number(process.env.DOCUMENTS ?? 100_000);
const UPSERTS = Number(process.env.UPSERTS ?? 1_000);
const PAGE = 1000;
const LATENCY_MS = 5;
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const binary =
  execFileSync(fileURLToPath(new URL('../../../scripts/ferretdb.sh', import.meta.url)), { encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1) ?? '';
const user = { username: 'bench', password: 'bench-password-1' };
const server = await startFerretDb({ binary, user });
const proxy = new MongoFaultProxy({ host: server.host, port: server.port });
const proxyPort = await proxy.start();
const uri = `mongodb://${user.username}:${user.password}@127.0.0.1:${proxyPort}/bench?authSource=admin`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/** Runs `work` and reports its wall time, this process's CPU time (the client's own cost: the server runs apart) and peak RSS. */
async function measure(work: () => Promise<number>): Promise<{ ms: number; cpuMs: number; count: number; peakRss: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const count = await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  return { ms, cpuMs: (used.user + used.system) / 1000, count, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
}

const seeder = new MongoClient(server.uri(), { serverSelectionTimeoutMS: 10_000 });
const collection = seeder.db('bench').collection('events');
const seedStarted = performance.now();
for (let start = 0; start < DOCUMENTS; start += 10_000) {
  await collection.insertMany(
    Array.from({ length: Math.min(10_000, DOCUMENTS - start) }, (_, offset) => {
      const i = start + offset;
      return { i, name: `user ${i}`, email: `user${i}@example.com`, score: (i % 1000) / 10, active: i % 2 === 0, at: new Date(1_700_000_000_000 + i * 1000) };
    }),
  );
}
console.log(`seeded ${DOCUMENTS} documents in ${seconds(performance.now() - seedStarted)} s (FerretDB ${binary.split('/').at(-2)})`);

proxy.inject({ command: ['find', 'getMore', 'update', 'insert'], fault: { kind: 'latency', ms: LATENCY_MS } });
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, retryReads: false, retryWrites: false });
const connector = new MongoDbConnector({ connectionUri: uri, requestTimeoutSeconds: 600 }, { metricsRegistry: null });

const plainRead = () =>
  measure(async () => {
    let count = 0;
    for await (const document of client
      .db('bench')
      .collection('events')
      .find({}, { sort: { _id: 1 }, batchSize: PAGE })) {
      if (document._id) count += 1;
    }
    return count;
  });
const connectorRead = () =>
  measure(async () => {
    let count = 0;
    for await (const page of connector.read({ table: 'events', pageSize: PAGE })) count += page.length;
    return count;
  });

const reads = { plain: [] as number[], connector: [] as number[], plainCpu: [] as number[], connectorCpu: [] as number[], plainRss: 0, connectorRss: 0 };
for (let round = 0; round < ROUNDS; round += 1) {
  const plain = await plainRead();
  const ours = await connectorRead();
  if (plain.count !== DOCUMENTS || ours.count !== DOCUMENTS) throw new Error(`read ${plain.count} / ${ours.count} documents, expected ${DOCUMENTS}`);
  reads.plain.push(plain.ms);
  reads.connector.push(ours.ms);
  reads.plainCpu.push(plain.cpuMs);
  reads.connectorCpu.push(ours.cpuMs);
  reads.plainRss = Math.max(reads.plainRss, plain.peakRss);
  reads.connectorRss = Math.max(reads.connectorRss, ours.peakRss);
  console.log(
    `  read round ${round + 1}: plain cursor ${seconds(plain.ms)} s (client CPU ${seconds(plain.cpuMs)} s), connector ${seconds(ours.ms)} s (client CPU ${seconds(ours.cpuMs)} s)`,
  );
}
const readRatio = median(reads.connector) / median(reads.plain);
console.log(
  `read ${DOCUMENTS} documents (+${LATENCY_MS} ms per find/getMore, pages of ${PAGE}): plain cursor ${seconds(median(reads.plain))} s, ` +
    `connector ${seconds(median(reads.connector))} s, ratio ${readRatio.toFixed(2)}; client CPU ratio ${(median(reads.connectorCpu) / median(reads.plainCpu)).toFixed(2)}; ` +
    `peak RSS ${megabytes(reads.plainRss)} / ${megabytes(reads.connectorRss)} MB`,
);

const upsertRows = (version: number) => Array.from({ length: UPSERTS }, (_, i) => ({ _id: `key-${i}`, score: i + version / 10, version }));
const target = client.db('bench').collection<{ _id: string }>('scores');
const plainUpsert = (version: number) =>
  measure(async () => {
    const rows = upsertRows(version);
    for (let start = 0; start < rows.length; start += PAGE) {
      await target.bulkWrite(
        rows.slice(start, start + PAGE).map(({ _id, ...fields }) => ({ updateOne: { filter: { _id }, update: { $set: fields }, upsert: true } })),
        { ordered: false },
      );
    }
    return rows.length;
  });
const connectorUpsert = (version: number) =>
  measure(async () => (await connector.write(upsertRows(version), { table: 'scores', mode: 'upsert', keyColumn: '_id' })).written);

const plainNew = await plainUpsert(1);
console.log(`  plain upsert, new keys: ${seconds(plainNew.ms)} s`);
await target.drop();
const oursNew = await connectorUpsert(1);
console.log(`  connector upsert, new keys: ${seconds(oursNew.ms)} s`);
const plainExisting = await plainUpsert(2);
console.log(`  plain upsert, existing keys: ${seconds(plainExisting.ms)} s`);
const oursExisting = await connectorUpsert(3);
console.log(`  connector upsert, existing keys: ${seconds(oursExisting.ms)} s`);
const stored = await seeder.db('bench').collection('scores').countDocuments({ version: 3 });
console.log(
  `upsert ${UPSERTS} documents by _id (+${LATENCY_MS} ms per command, batches of ${PAGE}): new keys plain ${seconds(plainNew.ms)} s, connector ${seconds(oursNew.ms)} s ` +
    `(ratio ${(oursNew.ms / plainNew.ms).toFixed(2)}); existing keys plain ${seconds(plainExisting.ms)} s, connector ${seconds(oursExisting.ms)} s ` +
    `(ratio ${(oursExisting.ms / plainExisting.ms).toFixed(2)}); ${stored} documents carry the last version`,
);

await connector.close();
await client.close();
await seeder.close();
await proxy.stop();
await server.stop();
