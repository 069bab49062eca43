// pnpm bench: Pipedrive connector figures against the sandbox emulator.
// 1. Upsert persons (half existing) at the lowest plan's 20 requests / 2 s with 100 ms of latency per
//    request: requests, tokens spent, wall time and 429s, against a naive loop with the plain client
//    (one search and one create or update per row, waiting 2 s after a 429); then the same rows again.
// 2. Read 10,000 persons through the connector vs a plain client paging loop (500 per page, no
//    limiter on either side), the emulator in a child process.
// BENCH_PERSONS sets the number of persons upserted (1,000 by default); BENCH_PHASE=upsert|read runs one part;
// BENCH_ROUNDS the number of interleaved read rounds (11 by default; more on a loaded machine).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
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

async function readPhase(): Promise<void> {
  const total = 10_000;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
  const server = spawn(process.execPath, [fileURLToPath(new URL('./emulator-process.ts', import.meta.url)), String(total)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  const api = new v2.PersonsApi(new v2.Configuration({ apiKey: () => token, basePath: `${url}/api/v2` }));
  const viaClient = async () => {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await api.getPersons({ limit: 500, ...(cursor ? { cursor } : {}) });
      count += page.data?.length ?? 0;
      cursor = page.additional_data?.next_cursor ?? undefined;
    } while (cursor);
    return count;
  };
  // A fresh connector per read, as a job uses it: its field discovery counts.
  const viaConnector = async () => {
    const connector = new PipedriveConnector({ apiKey: token, baseUrl: url, requestsPerMinute: 0 }, { metricsRegistry: null, environment: false });
    let count = 0;
    for await (const page of connector.read({ table: 'persons' })) count += page.length;
    await connector.close();
    return count;
  };
  await viaClient();
  await viaConnector();
  const clientTimes: number[] = [];
  const connectorTimes: number[] = [];
  const clientCpu: number[] = [];
  const connectorCpu: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const [read, times, cpu] of [
      [viaClient, clientTimes, clientCpu],
      [viaConnector, connectorTimes, connectorCpu],
    ] as const) {
      globalThis.gc?.();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const count = await read();
      times.push(performance.now() - started);
      const used = process.cpuUsage(cpuBefore);
      cpu.push((used.user + used.system) / 1000);
      if (count !== total) throw new Error(`read ${count} persons, expected ${total}`);
    }
  }
  console.log(
    `read ${total} persons, ${rounds} interleaved rounds: connector ${seconds(median(connectorTimes))} s, plain client loop ${seconds(median(clientTimes))} s (medians); ` +
      `ratio of medians ${(median(connectorTimes) / median(clientTimes)).toFixed(3)}, of fastest rounds ${(Math.min(...connectorTimes) / Math.min(...clientTimes)).toFixed(3)} (target <= 1.10; ` +
      'the connector also names custom fields, maps option ids to labels and splits emails)',
  );
  console.log(
    `  client CPU per read (medians): connector ${median(connectorCpu).toFixed(0)} ms, plain client loop ${median(clientCpu).toFixed(0)} ms, ratio ${(median(connectorCpu) / median(clientCpu)).toFixed(3)}`,
  );
  server.stdin!.end();
  await once(server, 'exit');
}

const phase = process.env.BENCH_PHASE ?? 'all';
if (phase !== 'read') {
  console.log(`upsert ${persons} persons (half existing) at 20 requests / 2 s with ${latencyMs} ms per request:`);
  await connectorRuns();
  await naiveLoop();
}
if (phase !== 'upsert') await readPhase();
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
