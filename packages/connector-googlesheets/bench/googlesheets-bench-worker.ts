// One measured arm of the benchmark, in its own process so that its peak RSS is its own: the
// emulator lives in the parent (bench/run.ts), as Google's API would live on another machine.
// Protocol (IPC): the worker sends { type: 'mark' } before and after the timed run and waits for
// the parent's ack, so the parent can cut the emulator's request log exactly at those points.
import { sheets } from '@googleapis/sheets';
import { JWT } from 'google-auth-library';
import { GoogleSheetsConnector } from '../dist/index.js';
import { benchRows, columns } from './bench-rows.ts';

export interface WorkerTask {
  arm: 'read-connector' | 'read-sdk' | 'write-connector' | 'write-sdk' | 'rate';
  url: string;
  key: { client_email: string; private_key: string; private_key_id: string };
  spreadsheetId: string;
  rows: number;
  /** Extra connector config (the rate-limit arm sets its own policy). */
  connectorConfig?: Record<string, unknown>;
  pageSize?: number;
  /** Untimed runs first, so that both arms are timed with their code compiled and connections open. */
  warmUpRuns: number;
}

export interface WorkerResult {
  type: 'result';
  ms: number;
  /** CPU time (user + system) of this process during the timed run: the client's own work, without the emulator's. */
  cpuMs: number;
  rows: number;
  maxRssKiB: number;
}

const task = JSON.parse(process.env.BENCH_TASK ?? '{}') as WorkerTask;

function mark(): Promise<void> {
  return new Promise((resolve) => {
    process.once('message', () => resolve());
    process.send!({ type: 'mark' });
  });
}

/** What a user writes by hand: the same service-account auth (self-signed JWT), the plain generated client. */
function plainClient() {
  const auth = new JWT({
    email: task.key.client_email,
    key: task.key.private_key,
    keyId: task.key.private_key_id,
    scopes: ['https://www.googleapis.com/auth/spreadsheets'],
  });
  auth.useJWTAccessWithScope = true;
  return sheets({ version: 'v4', auth, rootUrl: `${task.url}/` });
}

/** Benchmarks 1-2: a generous limiter, so both arms measure the same work. The rate arm keeps the defaults unless told. */
function connector(): GoogleSheetsConnector {
  return new GoogleSheetsConnector({
    connectionType: 'googlesheets',
    spreadsheetId: task.spreadsheetId,
    credentialsJson: task.key,
    baseUrl: task.url,
    ...(task.arm === 'rate' ? {} : { requestsPerMinute: 100_000 }),
    ...task.connectorConfig,
  });
}

async function prepare(): Promise<() => Promise<number>> {
  if (task.arm === 'read-connector' || task.arm === 'rate') {
    const sheetsConnector = connector();
    await sheetsConnector.connect();
    const sheetName = task.arm === 'rate' ? 'Rate' : 'Data';
    return async () => {
      const rows = await sheetsConnector.readGoogleSheet({ sheetName, ...(task.pageSize ? { pageSize: task.pageSize } : {}) });
      if (!(rows[0]?.signed_on instanceof Date)) throw new Error('the connector did not type the date column');
      return rows.length;
    };
  }
  if (task.arm === 'read-sdk') {
    const api = plainClient();
    const chunk = 5_000; // the connector's default pageSize: the same data-row chunks
    return async () => {
      let header: string[] = [];
      const rows: Array<Record<string, unknown>> = [];
      // The user knows the tab's size (a range past the grid is a 400): no spreadsheets.get at all,
      // the strictest baseline. 1-based A1 rows; the first chunk carries the header too.
      const lastRow = task.rows + 1;
      let start = 1;
      while (start <= lastRow) {
        const end = Math.min(start === 1 ? 1 + chunk : start + chunk - 1, lastRow);
        const response = await api.spreadsheets.values.get({
          spreadsheetId: task.spreadsheetId,
          range: `Data!A${start}:L${end}`,
          valueRenderOption: 'UNFORMATTED_VALUE',
        });
        const values = (response.data.values ?? []) as unknown[][];
        let first = 0;
        if (start === 1) {
          header = (values[0] ?? []).map(String);
          first = 1;
        }
        for (let index = first; index < values.length; index += 1) {
          const cells = values[index]!;
          const row: Record<string, unknown> = {};
          for (let column = 0; column < header.length; column += 1) row[header[column]!] = cells[column] ?? null;
          rows.push(row);
        }
        if (values.length < end - start + 1) break;
        start = end + 1;
      }
      return rows.length;
    };
  }
  const rows = benchRows(task.rows);
  if (task.arm === 'write-connector') {
    const sheetsConnector = connector();
    await sheetsConnector.connect();
    return async () => {
      const result = await sheetsConnector.write(rows, { table: 'OutConnector', mode: 'overwrite' });
      if (result.failed.length > 0) throw new Error(`${result.failed.length} rows failed`);
      return result.written;
    };
  }
  const api = plainClient();
  return async () => {
    // Dates go as JSON (ISO strings), as a hand-written call would send them.
    const values = [[...columns], ...rows.map((row) => columns.map((column) => row[column] ?? null))];
    const response = await api.spreadsheets.values.update({
      spreadsheetId: task.spreadsheetId,
      range: 'OutSdk!A1',
      valueInputOption: 'RAW',
      requestBody: { values },
    });
    return (response.data.updatedRows ?? 0) - 1;
  };
}

const run = await prepare();
for (let index = 0; index < task.warmUpRuns; index += 1) await run();
globalThis.gc?.();
await mark();
const cpuBefore = process.cpuUsage();
const started = performance.now();
const count = await run();
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
await mark();
const result: WorkerResult = { type: 'result', ms, cpuMs: (cpu.user + cpu.system) / 1000, rows: count, maxRssKiB: process.resourceUsage().maxRSS };
// Exit at once: the clients' keep-alive sockets would otherwise hold the process for a while.
process.send!(result, () => process.exit(0));
