// pnpm bench: Databricks connector figures against the sandbox emulator.
// 1. Read ROWS (1,000,000 by default) x 20 columns: connector vs a plain driver fetchChunk loop, each
//    in its own process (peak RSS per client), the emulator in a third; alternating rounds, medians.
//    PAGE_SIZE (the connector's `pageSize` and the loop's fetchChunk maxRows) is the same on both sides.
//    Inline Arrow batches, or with CLOUD_FETCH=1 CloudFetch files (what warehouses serve large results as).
//    READ_LATENCY_MS (50 by default) is added to every statement and FetchResults. Twice: with
//    Node's default heap, then with the young generation capped (YOUNG_MB, 8 by default; 0 skips).
// 2. Upsert WRITE_ROWS (100,000) rows with 50 ms of latency per statement: statements sent and wall
//    time, the connector without and with a staging volume (PUT + COPY INTO), vs a plain batched
//    INSERT loop and vs one INSERT per row (timed on a sample, extrapolated).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createDatabricksEmulator } from '@automl/sandbox/databricks';
import { benchConnector } from './bench-connector.js';
import { openPlainDriver } from './plain-driver.js';

const readRows = Number(process.env.ROWS ?? 1_000_000);
const writeRows = Number(process.env.WRITE_ROWS ?? 100_000);
const rounds = Number(process.env.ROUNDS ?? 3);
const latencyMs = 50;
const readLatencyMs = Number(process.env.READ_LATENCY_MS ?? 50);
// HEAP_MB caps each read client's V8 heap: a read that needed the whole result in memory would fail.
const heapArgs = process.env.HEAP_MB ? [`--max-old-space-size=${process.env.HEAP_MB}`] : [];
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function lineOf(child: ReturnType<typeof spawn>): Promise<string> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

// The read clients' V8 flags: Node's defaults, then (unless YOUNG_MB=0) a young generation capped
// at YOUNG_MB (8 by default: what Node 22's V8 allows, where Node 24's allows 32, both doubled in
// Node's builds). That ceiling is most of the gap between the two figures: see the README.
const youngMb = Number(process.env.YOUNG_MB ?? 8);
const conditions = [
  { name: "Node's defaults", flags: [] as string[] },
  ...(youngMb > 0
    ? [
        {
          name: `young generation at most ${youngMb} MB (--scavenger-max-new-space-capacity-mb=${youngMb})`,
          flags: [`--scavenger-max-new-space-capacity-mb=${youngMb}`],
        },
      ]
    : []),
];
// CLIENT_NODE runs the read clients on another Node binary (another major's heap defaults).
const clientNode = process.env.CLIENT_NODE ?? process.execPath;

type ReadResult = { ms: number; rows: number; peakRssMb: number };

async function readRounds(endpoint: string, flags: string[]): Promise<Record<string, ReadResult[]>> {
  const results: Record<string, ReadResult[]> = { connector: [], driver: [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const mode of round % 2 === 0 ? ['driver', 'connector'] : ['connector', 'driver']) {
      const client = spawn(clientNode, ['--expose-gc', ...heapArgs, ...flags, here('./read-client.js'), mode, endpoint], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      results[mode]?.push(JSON.parse(await lineOf(client)));
      await once(client, 'exit');
    }
  }
  return results;
}

async function readPhase(): Promise<void> {
  const emulator = spawn(process.execPath, [here('./emulator-process.ts'), String(readRows), String(readLatencyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const endpoint = await lineOf(emulator);
  const format = process.env.CLOUD_FETCH === '1' ? 'CloudFetch files' : 'inline Arrow';
  for (const condition of conditions) {
    const results = await readRounds(endpoint, condition.flags);
    const connector = median((results.connector ?? []).map((result) => result.ms));
    const driver = median((results.driver ?? []).map((result) => result.ms));
    // Peak RSS varies from round to round with V8's collection timing: the median and the range.
    const rss = (mode: string) => {
      const peaks = (results[mode] ?? []).map((result) => result.peakRssMb);
      return `${median(peaks).toFixed(0)} MB (${Math.min(...peaks).toFixed(0)}-${Math.max(...peaks).toFixed(0)})`;
    };
    console.log(
      `read ${readRows.toLocaleString('en')} rows x 20 columns, ${format}, ${readLatencyMs} ms per round trip, clients on Node ${clientVersion()} with ${condition.name} (median of ${rounds}): ` +
        `connector ${seconds(connector)} s vs driver fetchChunk loop ${seconds(driver)} s, ratio ${(connector / driver).toFixed(2)}; ` +
        `peak RSS connector ${rss('connector')}, driver loop ${rss('driver')}; rows ${results.connector?.[0]?.rows}`,
    );
  }
  emulator.stdin?.end();
  await once(emulator, 'exit');
}

function clientVersion(): string {
  return clientNode === process.execPath ? process.versions.node : execFileSync(clientNode, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
}

async function writePhase(): Promise<void> {
  const emulator = createDatabricksEmulator();
  const endpoint = await emulator.start();
  const columns = { id: 'BIGINT', name: 'STRING', score: 'DOUBLE' };
  const rows = Array.from({ length: writeRows }, (_, index) => ({ id: index, name: `row ${index}`, score: index / 3 }));
  emulator.setStatementLatency(latencyMs);

  // The connector: staged batches (inline INSERTs of 1,000 rows, or files through a volume) + one MERGE in a transaction.
  const upsert = async (extra: Record<string, unknown>) => {
    await emulator.sql('DROP TABLE IF EXISTS uc_main."default".scores');
    await emulator.seed('scores', [], { columns });
    emulator.clearLog();
    const connector = benchConnector(endpoint, extra);
    await connector.connect();
    const started = performance.now();
    const result = await connector.write(rows, { table: 'scores', mode: 'upsert', keyColumn: 'id' });
    const ms = performance.now() - started;
    const statements = emulator.statements.length;
    const uploads = emulator.requests.filter((request) => request.route.startsWith('Volume:')).length;
    const stored = await emulator.count('scores');
    await connector.close();
    return { ms, statements, uploads, written: result.written, stored };
  };
  const inline = await upsert({});
  const staged = await upsert({ stagingVolume: '/Volumes/main/default/landing' });
  let started: number;

  // Baseline: a plain batched INSERT loop (1,000 rows per statement, straight into the table, no staging).
  const driver = await openPlainDriver(endpoint);
  const session = driver.session;
  const run = async (sql: string) => (await session.executeStatement(sql)).fetchAll();
  await run('CREATE TABLE plain (id BIGINT, name STRING, score DOUBLE)');
  emulator.clearLog();
  started = performance.now();
  for (let start = 0; start < rows.length; start += 1000) {
    await run(
      `INSERT INTO plain VALUES ${rows
        .slice(start, start + 1000)
        .map((row) => `(${row.id}, '${row.name}', ${row.score})`)
        .join(', ')}`,
    );
  }
  const plainMs = performance.now() - started;
  const plainStatements = emulator.statements.length;

  // One INSERT per row, timed on a sample and extrapolated (100,000 x 50 ms would take an hour and a half).
  const sample = 200;
  started = performance.now();
  for (const row of rows.slice(0, sample)) await run(`INSERT INTO plain VALUES (${row.id}, '${row.name}', ${row.score})`);
  const perRowMs = ((performance.now() - started) / sample) * rows.length;
  await driver.close();
  await emulator.stop();

  console.log(
    `upsert ${writeRows.toLocaleString('en')} rows with ${latencyMs} ms per statement: ` +
      `connector ${seconds(inline.ms)} s in ${inline.statements} statements (written ${inline.written}, stored ${inline.stored}, ratio ${(inline.ms / plainMs).toFixed(2)}); ` +
      `connector with a staging volume ${seconds(staged.ms)} s in ${staged.statements} statements + ${staged.uploads} uploads (written ${staged.written}, stored ${staged.stored}, ratio ${(staged.ms / plainMs).toFixed(2)}); ` +
      `plain batched INSERT loop ${seconds(plainMs)} s in ${plainStatements} statements; ` +
      `one INSERT per row ~${seconds(perRowMs)} s in ${writeRows.toLocaleString('en')} statements (from ${sample} timed)`,
  );
}

if (process.env.PHASE !== 'write') await readPhase();
if (process.env.PHASE !== 'read') await writePhase();
