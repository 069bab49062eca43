// pnpm bench: Salesforce connector figures against the sandbox emulator (in a child process), with
// 100 ms of latency on every REST, Collections and Bulk call, each path measured against plain jsforce
// in the same run.
// 1. Upsert 10,000 contacts by External ID: plain jsforce (one Collections call per 200, one after
//    the other), the connector's Collections path, the connector's Bulk API 2.0 path.
// 2. Read 50,000 contacts: plain jsforce (query + queryMore), the connector's REST paging, the
//    connector's Bulk query job; peak RSS of each.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Connection } from 'jsforce';
import { SalesforceConnector } from '../dist/index.js';

const latencyMs = 100;
const upserts = 10_000;
const reads = 50_000;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

interface Emulator {
  url: string;
  token: string;
  ask(command: string): Promise<{ contacts?: number; requests?: number }>;
  stop(): Promise<void>;
}

async function startEmulator(seeded: number): Promise<Emulator> {
  const script = fileURLToPath(new URL('./emulator-process.ts', import.meta.url));
  const child = spawn(process.execPath, [script, String(seeded), String(latencyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = JSON.parse(String((await lines.next()).value)) as { url: string; token: string };
  return {
    ...first,
    ask: async (command) => {
      child.stdin!.write(`${command}\n`);
      return JSON.parse(String((await lines.next()).value));
    },
    stop: async () => {
      child.stdin!.end();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Peak RSS while `run` runs, sampled every 10 ms after a GC. */
async function measured<T>(run: () => Promise<T>): Promise<{ value: T; ms: number; peakRss: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  try {
    const value = await run();
    return { value, ms: performance.now() - started, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

const contactRows = (count: number, version: string) =>
  Array.from({ length: count }, (_, index) => ({
    External_Id__c: `bench-${index}`,
    LastName: `Last${index}`,
    FirstName: `First${index}`,
    Title: `Scored ${version}`,
  }));

async function upsertPhase(): Promise<void> {
  const results: Array<{ name: string; ms: number; calls: number; contacts: number }> = [];
  for (const path of ['plain jsforce', 'connector, Collections', 'connector, Bulk API 2.0'] as const) {
    const emulator = await startEmulator(0);
    const rows = contactRows(upserts, path);
    const run = await measured(async () => {
      if (path === 'plain jsforce') {
        const conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.token, version: '62.0' });
        for (let start = 0; start < rows.length; start += 200) await conn.sobject('Contact').upsert(rows.slice(start, start + 200), 'External_Id__c');
        return;
      }
      const connector = new SalesforceConnector(
        { apiKey: emulator.token, instanceUrl: emulator.url, requestsPerMinute: 0, ...(path === 'connector, Bulk API 2.0' ? { writeMode: 'bulk' } : {}) },
        { metricsRegistry: null, environment: false },
      );
      const result = await connector.write(rows, { table: 'Contact', keyColumn: 'External_Id__c' });
      if (result.written !== upserts) throw new Error(`${path}: wrote ${result.written}`);
      await connector.close();
    });
    const state = await emulator.ask('count');
    results.push({ name: path, ms: run.ms, calls: state.requests ?? 0, contacts: state.contacts ?? 0 });
    await emulator.stop();
  }
  const baseline = results[0]!.ms;
  for (const result of results) {
    console.log(
      `upsert ${upserts} contacts, ${result.name}: ${result.calls} API calls, ${seconds(result.ms)} s (ratio to plain jsforce ${(result.ms / baseline).toFixed(2)}), ${result.contacts} contacts stored`,
    );
  }
}

async function readPhase(): Promise<void> {
  const emulator = await startEmulator(reads);
  const results: Array<{ name: string; ms: number; rows: number; calls: number; peakRss: number }> = [];
  for (const path of ['plain jsforce', 'connector, REST paging', 'connector, Bulk query'] as const) {
    await emulator.ask('clear');
    const run = await measured(async () => {
      if (path === 'plain jsforce') {
        const conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.token, version: '62.0' });
        const describe = await conn.describe('Contact');
        const fields = describe.fields.filter((field) => field.type !== 'address' && !field.compoundFieldName).map((field) => field.name);
        let result = await conn.query(`SELECT ${fields.join(', ')} FROM Contact`);
        let count = result.records.length;
        while (!result.done && result.nextRecordsUrl) {
          result = await conn.queryMore(result.nextRecordsUrl);
          count += result.records.length;
        }
        return count;
      }
      const connector = new SalesforceConnector(
        { apiKey: emulator.token, instanceUrl: emulator.url, requestsPerMinute: 0, readMode: path === 'connector, Bulk query' ? 'bulk' : 'rest' },
        { metricsRegistry: null, environment: false },
      );
      let count = 0;
      for await (const page of connector.read({ table: 'Contact' })) count += page.length;
      await connector.close();
      return count;
    });
    const state = await emulator.ask('count');
    results.push({ name: path, ms: run.ms, rows: run.value, calls: state.requests ?? 0, peakRss: run.peakRss });
  }
  await emulator.stop();
  const baseline = results[0]!.ms;
  for (const result of results) {
    console.log(
      `read ${result.rows} contacts, ${result.name}: ${result.calls} API calls, ${seconds(result.ms)} s (ratio to plain jsforce ${(result.ms / baseline).toFixed(2)}), peak RSS ${megabytes(result.peakRss)}`,
    );
  }
}

console.log(`Salesforce emulator in a child process, ${latencyMs} ms of latency per REST / Collections / Bulk call; Node ${process.version}`);
await upsertPhase();
await readPhase();
