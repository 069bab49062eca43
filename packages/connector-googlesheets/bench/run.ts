// pnpm bench: Google Sheets connector figures against the sandbox emulator.
// 1. Read a 10,000-row x 12-column tab: connector (readGoogleSheet) vs a plain @googleapis/sheets values.get loop.
// 2. Write 10,000 rows: connector write(overwrite) vs one plain values.update.
// 3. The rate limit: a read of more than 60 requests at the defaults (60/min on both sides), and on a scaled window.
// The emulator runs in this process; every measured arm runs in a child process of its own (bench/googlesheets-bench-worker.ts),
// so its peak RSS is its own and client and "server" use separate cores, as with the real API.
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createGoogleSheetsEmulator, type GoogleSheetsEmulator } from '@automl/sandbox';
import { benchGrid } from './bench-rows.ts';
import type { WorkerResult, WorkerTask } from './googlesheets-bench-worker.ts';

const ROWS = 10_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARM_UP_RUNS = Number(process.env.BENCH_WARM_UP_RUNS ?? 3);
const RATE_ROWS = 6_500;
const RATE_PAGE_SIZE = 100;
const quick = process.argv.includes('--quick'); // skips the ~62 s run at the real 60/min defaults

interface Measured {
  ms: number;
  /** CPU time of the client process alone (the emulator runs elsewhere). */
  cpuMs: number;
  rows: number;
  maxRssKiB: number;
  /** The emulator's log of the timed run only. */
  requests: Array<{ at: number; route: string; status: number }>;
}

async function startEmulator(rateLimit: { limit: number; windowMs: number } | false | undefined) {
  const emulator = createGoogleSheetsEmulator(rateLimit === undefined ? {} : { rateLimit });
  await emulator.start();
  const key = emulator.createServiceAccount({ projectId: 'automl-bench' });
  const shareWith = [key.client_email];
  const spreadsheetId = emulator.createSpreadsheet({
    title: 'Bench',
    sheets: [
      { title: 'Data', rows: benchGrid(ROWS) },
      { title: 'Rate', rows: benchGrid(RATE_ROWS) },
    ],
    shareWith,
  });
  // Each write arm gets a spreadsheet of its own: the emulator copies the whole spreadsheet on every
  // batchUpdate (to apply it atomically), so the read tabs must not weigh on the writes. The tabs
  // are sized for the rows up front: the emulator answers a values.update past the grid with a 400.
  const outConnector = emulator.createSpreadsheet({ title: 'Out', sheets: [{ title: 'OutConnector', rowCount: ROWS + 1 }], shareWith });
  const outSdk = emulator.createSpreadsheet({ title: 'Out', sheets: [{ title: 'OutSdk', rowCount: ROWS + 1 }], shareWith });
  return { emulator, key, spreadsheetId, outConnector, outSdk };
}

function runWorker(emulator: GoogleSheetsEmulator, task: WorkerTask): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./googlesheets-bench-worker.ts', import.meta.url), [], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, BENCH_TASK: JSON.stringify(task) },
    });
    const marks: number[] = [];
    let result: WorkerResult | undefined;
    child.on('message', (message: { type: string }) => {
      if (message.type === 'mark') {
        marks.push(emulator.requests.length);
        child.send('ack');
      } else if (message.type === 'result') {
        result = message as WorkerResult;
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!result || code !== 0 || marks.length !== 2) return reject(new Error(`worker ${task.arm} exited with ${code}`));
      const requests = emulator.requests.slice(marks[0], marks[1]).map(({ at, route, status }) => ({ at, route, status }));
      resolve({ ...result, requests });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const routes = (requests: Measured['requests']) => {
  const counts = new Map<string, number>();
  for (const { route } of requests) counts.set(route, (counts.get(route) ?? 0) + 1);
  return [...counts].map(([route, count]) => `${count} ${route}`).join(' + ');
};

interface Comparison {
  name: string;
  connector: Measured[];
  baseline: Measured[];
}

/** Interleaved rounds (the order flips each round), one warmed-up timed run per child process. */
async function compare(
  name: string,
  emulator: GoogleSheetsEmulator,
  base: Omit<WorkerTask, 'arm' | 'warmUpRuns' | 'spreadsheetId'>,
  arms: [WorkerTask['arm'], WorkerTask['arm']],
  spreadsheetIds: [string, string],
): Promise<Comparison> {
  const comparison: Comparison = { name, connector: [], baseline: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? [1, 0] : [0, 1];
    for (const side of order) {
      const arm = arms[side]!;
      const measured = await runWorker(emulator, { ...base, arm, spreadsheetId: spreadsheetIds[side]!, warmUpRuns: WARM_UP_RUNS });
      if (measured.rows !== ROWS) throw new Error(`${arm}: ${measured.rows} rows, expected ${ROWS}`);
      (arm === arms[0] ? comparison.connector : comparison.baseline).push(measured);
    }
  }
  return comparison;
}

function printComparison({ name, connector, baseline }: Comparison): void {
  const connectorMs = median(connector.map((run) => run.ms));
  const baselineMs = median(baseline.map((run) => run.ms));
  const spread = (runs: Measured[]) => `${Math.min(...runs.map((run) => run.ms)).toFixed(0)}-${Math.max(...runs.map((run) => run.ms)).toFixed(0)} ms`;
  console.log(`\n${name}`);
  console.log(
    `  ratio connector / plain SDK (median of ${ROUNDS}): ${(connectorMs / baselineMs).toFixed(2)}   [connector ${connectorMs.toFixed(0)} ms (${spread(connector)}), plain ${baselineMs.toFixed(0)} ms (${spread(baseline)})]`,
  );
  const connectorCpu = median(connector.map((run) => run.cpuMs));
  const baselineCpu = median(baseline.map((run) => run.cpuMs));
  console.log(
    `  client CPU ratio (the client process's own work, emulator excluded): ${(connectorCpu / baselineCpu).toFixed(2)}   [connector ${connectorCpu.toFixed(0)} ms, plain ${baselineCpu.toFixed(0)} ms]`,
  );
  console.log(
    `  requests per run: connector ${connector[0]!.requests.length} (${routes(connector[0]!.requests)}), plain ${baseline[0]!.requests.length} (${routes(baseline[0]!.requests)})`,
  );
  console.log(
    `  peak RSS of the client process: connector ${mib(Math.max(...connector.map((run) => run.maxRssKiB)))}, plain ${mib(Math.max(...baseline.map((run) => run.maxRssKiB)))}`,
  );
}

/**
 * Rate-limit run: requests, 429s, the busiest window the emulator admitted, and the sustained rate
 * measured as limit / (gap between request i and request i + limit), which a sliding-window limiter
 * holds at one window exactly when it paces perfectly (the first window's burst does not inflate it).
 */
async function rateRun(
  label: string,
  serverLimit: { limit: number; windowMs: number } | undefined,
  connectorConfig: Record<string, unknown>,
  configured: { limit: number; windowMs: number },
): Promise<void> {
  const { emulator, key, spreadsheetId } = await startEmulator(serverLimit);
  try {
    const measured = await runWorker(emulator, {
      arm: 'rate',
      url: emulator.url,
      key,
      spreadsheetId,
      rows: RATE_ROWS,
      connectorConfig,
      pageSize: RATE_PAGE_SIZE,
      warmUpRuns: 0,
    });
    if (measured.rows !== RATE_ROWS) throw new Error(`rate: ${measured.rows} rows, expected ${RATE_ROWS}`);
    const stats = emulator.rateWindow!.stats();
    const times = measured.requests.map((request) => request.at);
    const gaps = times.slice(configured.limit).map((at, index) => at - times[index]!);
    const perMinute = (limit: number, windowMs: number) => (limit * 60_000) / windowMs;
    const achieved = gaps.length > 0 ? perMinute(configured.limit, median(gaps)) : Number.NaN;
    const windowText = `${configured.limit} per ${configured.windowMs / 1000} s`;
    console.log(`\n${label}`);
    console.log(
      `  read ${RATE_ROWS} rows at pageSize ${RATE_PAGE_SIZE}: ${measured.requests.length} requests (${routes(measured.requests)}) in ${(measured.ms / 1000).toFixed(1)} s`,
    );
    console.log(
      `  429s answered by the emulator: ${stats.rejected}; busiest window: ${stats.peakInWindow} requests (limit ${stats.limit} per ${stats.windowMs / 1000} s)`,
    );
    console.log(
      `  sustained rate: ${achieved.toFixed(1)}/min vs ${perMinute(configured.limit, configured.windowMs)}/min configured (${windowText}; median gap between request i and i+${configured.limit}: ` +
        `${(median(gaps) / 1000).toFixed(3)} s, shortest ${(Math.min(...gaps) / 1000).toFixed(3)} s); peak RSS of the client ${mib(measured.maxRssKiB)}`,
    );
  } finally {
    await emulator.stop();
  }
}

console.log(
  `Google Sheets connector benchmark: node ${process.version}, ${availableParallelism()} cores, ${ROWS} rows x 12 columns (strings, numbers, booleans, dates)`,
);
console.log("Benchmarks 1-2: the emulator's rate limit is OFF and the connector runs at requestsPerMinute 100,000, so both sides measure the same work.");
console.log(
  `Each arm runs in its own process (${WARM_UP_RUNS} warm-up runs, then one timed run), the emulator in this one; rounds alternate which arm goes first.`,
);

{
  const { emulator, key, spreadsheetId, outConnector, outSdk } = await startEmulator(false);
  const base = { url: emulator.url, key, rows: ROWS };
  const read = await compare(
    `1. read ${ROWS} rows: readGoogleSheet() vs values.get loop over the same 5,000-row chunks (UNFORMATTED_VALUE, dates left as serials)`,
    emulator,
    base,
    ['read-connector', 'read-sdk'],
    [spreadsheetId, spreadsheetId],
  );
  printComparison(read);
  const write = await compare(
    `2. write ${ROWS} rows: write(rows, { mode: 'overwrite' }) vs one values.update (RAW, dates as ISO text)`,
    emulator,
    base,
    ['write-connector', 'write-sdk'],
    [outConnector, outSdk],
  );
  for (const [id, tab] of [
    [outConnector, 'OutConnector'],
    [outSdk, 'OutSdk'],
  ] as const) {
    const stored = emulator.countRows(id, tab);
    if (stored !== ROWS + 1) throw new Error(`${tab} holds ${stored} rows, expected ${ROWS + 1}`);
  }
  printComparison(write);
  await emulator.stop();
}

if (!quick) {
  await rateRun(
    '3a. rate limit at the defaults: emulator 60 requests/min per service account, connector default requestsPerMinute 60 (60 s window)',
    undefined,
    {},
    { limit: 60, windowMs: 60_000 },
  );
}
await rateRun(
  '3b. rate limit on a scaled window: emulator { limit: 10, windowMs: 2000 }, connector requestsPerMinute 300 with rateLimitWindowSeconds 2',
  { limit: 10, windowMs: 2_000 },
  { requestsPerMinute: 300, rateLimitWindowSeconds: 2 },
  { limit: 10, windowMs: 2_000 },
);
console.log(`\npeak RSS of this process (emulator + seeded data): ${mib(process.resourceUsage().maxRSS)}`);
