// pnpm bench: Pipedrive connector figures against the sandbox emulator.
// 1. Upsert persons (half existing) at the lowest plan's 20 requests / 2 s with 100 ms of latency per
//    request: requests, tokens spent, wall time and 429s, against a naive loop with the plain client
//    (one search and one create or update per row, waiting 2 s after a 429); then the same rows again.
// 2. Read 10,000 persons through the connector vs a plain client paging loop (500 per page, no
//    limiter on either side), the emulator in a child process, with 100 ms per request then none.
// BENCH_PERSONS sets the number of persons upserted (1,000 by default); BENCH_PHASE=upsert|read runs one part;
// BENCH_ROUNDS the number of interleaved read rounds with latency (15), BENCH_ROUNDS_NO_LATENCY without (31),
// BENCH_READ_LATENCY_MS the latency (100). Hold the shared lock while measuring:
//   flock /tmp/automl-bench.lock pnpm --filter @automl/connector-pipedrive bench
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createPipedriveEmulator } from '@automl/sandbox/pipedrive';
import { v2 } from 'pipedrive';
import { PipedriveConnector } from '../dist/index.js';

const persons = Number(process.env.BENCH_PERSONS ?? 1_000);
const latencyMs = 100;
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows = Array.from({ length: persons }, (_, index) => ({
  email: `person${index}@example.com`,
  churn_risk: (index % 97) / 100,
  segment: index % 3 ? 'low' : 'high',
}));

function company() {
  const emulator = createPipedriveEmulator({ rateLimit: { limit: 20, windowMs: 2000 }, dailyBudget: Number.MAX_SAFE_INTEGER });
  const risk = emulator.company.addField('persons', 'churn_risk', 'double');
  const segment = emulator.company.addField('persons', 'segment', 'varchar');
  // Half the persons exist already, some of them under a differently cased email.
  emulator.seed(
    'persons',
    rows.slice(0, persons / 2).map((row, index) => ({ name: `P${index}`, email: index % 5 ? row.email : row.email.toUpperCase(), churn_risk: 0.5 })),
  );
  emulator.faults.inject({ fault: { kind: 'latency', ms: latencyMs } });
  return { emulator, risk, segment };
}

async function naiveLoop(): Promise<void> {
  const { emulator, risk, segment } = company();
  const url = await emulator.start();
  const api = new v2.PersonsApi(new v2.Configuration({ apiKey: () => emulator.token, basePath: `${url}/api/v2` }));
  // What a script does without a limiter: go, and wait out the 2-second window when told off.
  const patiently = async <T>(call: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if ((error as { error?: string }).error !== 'Request over limit') throw error;
        await sleep(2000);
      }
    }
  };
  const started = performance.now();
  for (const row of rows) {
    const found = await patiently(() => api.searchPersons({ term: row.email, fields: 'email', exact_match: true }));
    const id = found.data?.items?.[0]?.item?.id;
    const custom_fields = { [risk.key]: row.churn_risk, [segment.key]: row.segment };
    if (id) await patiently(() => api.updatePerson({ id, UpdatePersonRequest: { custom_fields } }));
    else await patiently(() => api.addPerson({ AddPersonRequest: { name: row.email, emails: [{ value: row.email, primary: true }], custom_fields } }));
  }
  const elapsed = performance.now() - started;
  report('naive loop (search + create/update per row)', emulator, elapsed);
  await emulator.stop();
}

function report(label: string, emulator: ReturnType<typeof createPipedriveEmulator>, elapsedMs: number): void {
  const answered = emulator.requests.filter((request) => request.status !== 429).length;
  const rejected = emulator.requests.length - answered;
  console.log(
    `  ${label}: ${emulator.requests.length} requests (${rejected} answered 429), ${emulator.budget.spent.toLocaleString('en')} tokens, ` +
      `${seconds(elapsedMs)} s, persons stored ${emulator.count('persons')}, peak ${emulator.rateWindow!.stats().peakInWindow} requests in a 2 s window`,
  );
}

async function connectorRuns(): Promise<void> {
  const { emulator } = company();
  const url = await emulator.start();
  for (const run of ['connector, first run', 'connector, second run (same rows)']) {
    emulator.clearLog();
    emulator.budget.reset();
    // The default policy: 600 requests a minute counted over 2 s, i.e. 20 per 2 s.
    const connector = new PipedriveConnector({ apiKey: emulator.token, baseUrl: url }, { metricsRegistry: null, environment: false });
    const started = performance.now();
    const result = await connector.writeCrmData(rows, { destination: 'persons' });
    const elapsed = performance.now() - started;
    report(`${run} (created ${result.created}, updated ${result.updated}, failed ${result.failed.length})`, emulator, elapsed);
    await connector.close();
  }
  await emulator.stop();
}

/** The emulator of the read comparison, in a child process (see emulator-process.ts). */
async function emulatorProcess(total: number, latency: number) {
  const server = spawn(process.execPath, [fileURLToPath(new URL('./emulator-process.ts', import.meta.url)), String(total), String(latency)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
  const { url, token } = JSON.parse((await lines.next()).value as string) as { url: string; token: string };
  const stop = async () => {
    server.stdin!.end();
    const stats = JSON.parse((await lines.next()).value as string) as { requests: Record<string, number>; peakRssMiB: number };
    await once(server, 'exit');
    return stats;
  };
  return { url, token, stop };
}

/**
 * One comparison: `rounds` interleaved rounds (the order reversed every other round, so a drift of
 * the machine's load weighs on every side alike) of
 * - the plain client: `new Configuration` + `new PersonsApi`, then `getPersons` with the cursor until
 *   the last page, 500 per page, counting the records;
 * - a fresh connector per read, as a job uses it: constructed, connected, its person fields read
 *   (alongside the first page), the same 20 pages read and converted into rows, closed;
 * - one connector kept open across rounds (its fields read once): a long-lived service's reads.
 * Neither side has a rate limiter (requestsPerMinute 0 on the connector).
 */
async function readComparison(total: number, latency: number, rounds: number): Promise<void> {
  const { url, token, stop } = await emulatorProcess(total, latency);
  const viaClient = async () => {
    const api = new v2.PersonsApi(new v2.Configuration({ apiKey: () => token, basePath: `${url}/api/v2` }));
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await api.getPersons({ limit: 500, ...(cursor ? { cursor } : {}) });
      count += page.data?.length ?? 0;
      cursor = page.additional_data?.next_cursor ?? undefined;
    } while (cursor);
    return count;
  };
  const config = { apiKey: token, baseUrl: url, requestsPerMinute: 0 };
  const options = { metricsRegistry: null, environment: false } as const;
  const readAll = async (connector: PipedriveConnector) => {
    let count = 0;
    for await (const page of connector.read({ table: 'persons' })) count += page.length;
    return count;
  };
  const viaFreshConnector = async () => {
    const connector = new PipedriveConnector(config, options);
    try {
      return await readAll(connector);
    } finally {
      await connector.close();
    }
  };
  const kept = new PipedriveConnector(config, options);
  const viaKeptConnector = () => readAll(kept);
  const sides = [
    { name: 'plain client loop', read: viaClient, times: [] as number[], cpu: [] as number[] },
    { name: 'connector, fresh per read', read: viaFreshConnector, times: [] as number[], cpu: [] as number[] },
    { name: 'connector, kept open', read: viaKeptConnector, times: [] as number[], cpu: [] as number[] },
  ];
  for (const side of sides) await side.read(); // warm-up, not measured
  const loadBefore = loadavg()[0]!;
  for (let round = 0; round < rounds; round += 1) {
    for (const side of round % 2 ? [...sides].reverse() : sides) {
      globalThis.gc?.();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const count = await side.read();
      side.times.push(performance.now() - started);
      const used = process.cpuUsage(cpuBefore);
      side.cpu.push((used.user + used.system) / 1000);
      if (count !== total) throw new Error(`${side.name} read ${count} persons, expected ${total}`);
    }
  }
  const loadAfter = loadavg()[0]!;
  await kept.close();
  const { requests, peakRssMiB } = await stop();
  const [plain] = sides;
  console.log(
    `read ${total.toLocaleString('en')} persons, ${latency} ms per request, ${rounds} interleaved rounds (load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}):`,
  );
  for (const side of sides) {
    const ratio =
      side === plain
        ? ''
        : `, ratio of medians ${(median(side.times) / median(plain!.times)).toFixed(3)}, CPU ${(median(side.cpu) / median(plain!.cpu)).toFixed(3)}`;
    console.log(`  ${side.name}: median ${median(side.times).toFixed(0)} ms, CPU ${median(side.cpu).toFixed(0)} ms${ratio}`);
  }
  console.log(`  requests served by route: ${JSON.stringify(requests)}; emulator peak RSS ${peakRssMiB} MiB`);
}

const phase = process.env.BENCH_PHASE ?? 'all';
if (phase !== 'read') {
  console.log(`upsert ${persons} persons (half existing) at 20 requests / 2 s with ${latencyMs} ms per request:`);
  await connectorRuns();
  await naiveLoop();
}
if (phase !== 'upsert') {
  // Realistic latency first (what a job sees: the connector's per-page work hides behind the network),
  // then none, which shows the client-side overhead alone.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
  await readComparison(10_000, Number(process.env.BENCH_READ_LATENCY_MS ?? latencyMs), rounds);
  await readComparison(10_000, 0, Number(process.env.BENCH_ROUNDS_NO_LATENCY ?? 31));
}
console.log(`peak RSS of the benchmark process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
