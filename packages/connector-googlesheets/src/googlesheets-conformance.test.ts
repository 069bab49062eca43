import type { Row } from '@automl/connector-core';
import { runConnectorConformance } from '@automl/connector-core/testing';
import { conformanceFaults } from '@automl/sandbox/harness';
import { createGoogleSheetsEmulator, type ServiceAccountKey } from '@automl/sandbox/google';
import { vi } from 'vitest';
import { GoogleSheetsConnector } from './googlesheets-connector.js';
import { fastPolicy } from './test-support/googlesheets-fixture.js';

// Core's shared suite over the emulated Sheets API: reads, overwrite and append, faults (429, 5xx,
// resets, late landings, an expired token mid-write), cancels, the rate limit and secrets, each
// asserted on the cells the tab holds. A tab has no keys: a row is known by its id and version.
const emulator = createGoogleSheetsEmulator({ rateLimit: false });
const spreadsheetId = 'conformance-spreadsheet';
const table = 'Sales';
const columns = ['id', 'name', 'version'];
let key: ServiceAccountKey;

const makeRow = (index: number, version: number): Row => ({ id: index, name: `row ${index}`, version });

/** What the tab holds, under its header. */
function records(title: string): Row[] {
  const [header = [], ...body] = emulator.getValues(spreadsheetId, `'${title}'`);
  return body.filter((cells) => cells.length > 0).map((cells) => Object.fromEntries(header.map((name, index) => [String(name), cells[index] ?? null])) as Row);
}

const capabilities = new GoogleSheetsConnector(
  { connectionType: 'googlesheets', spreadsheetId, credentialsJson: '{}' },
  { metricsRegistry: null, environment: false },
).capabilities;

runConnectorConformance(
  'googlesheets',
  {
    table,
    rows: [0, 1, 2].map((index) => makeRow(index, 0)),
    keyColumn: 'id',
    makeRow,
    keyOf: (row) => `${String(row.id)}/${String(row.version)}`,
    create: (overrides = {}) =>
      new GoogleSheetsConnector(
        { connectionType: 'googlesheets', spreadsheetId, credentialsJson: key, baseUrl: emulator.url, ...fastPolicy, ...overrides },
        { metricsRegistry: null, environment: false },
      ),
    start: async () => {
      await emulator.start();
      key = emulator.createServiceAccount({ projectId: 'automl-conformance' });
    },
    stop: () => emulator.stop(),
    reset: async () => {
      // A request held by a late-landing fault must not land in the next case's spreadsheet: wait
      // until none is in flight (clearLog() restarts the peak at the number in flight).
      await vi.waitFor(
        () => {
          emulator.clearLog();
          if (emulator.peakConcurrentRequests > 0) throw new Error('requests still in flight');
        },
        { timeout: 10_000, interval: 20 },
      );
      emulator.reset();
      emulator.createSpreadsheet({ spreadsheetId, title: 'Conformance', sheets: [{ title: table }], shareWith: [key.client_email] });
    },
    seed: async (title, rows) => {
      emulator.setValues(spreadsheetId, `'${title}'!A1`, [columns, ...rows.map((row) => columns.map((name) => row[name] ?? null))]);
    },
    records: async (title) => records(title),
    faults: conformanceFaults(emulator.faults, { read: 'values.get', write: 'spreadsheets.batchUpdate' }),
    arrivals: () => emulator.requests.map((request) => request.arrivedAt ?? request.at),
    get secrets() {
      return [key.private_key_id, ...key.private_key.split('\n').filter((line) => line && !line.startsWith('-----'))];
    },
  },
  { capabilities },
);
