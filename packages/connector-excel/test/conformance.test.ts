import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Row } from '@automl/connector-core';
import { runConnectorConformance } from '@automl/connector-core/testing';
import { afterAll } from 'vitest';
import { ExcelConnector } from '../src/index.js';
import { temporaryDirectory } from './helpers.js';

// The shared suite, over a workbook file. The file's state is read and seeded with SheetJS, a
// program other than this package, so the cases check what the file holds, not the connector's word.
const XLSX = createRequire(import.meta.url)('xlsx') as typeof import('xlsx');

let path = '';
let cleanup: () => Promise<void> = async () => undefined;
const connector = new ExcelConnector({ connectionType: 'excel' }, { metricsRegistry: null });

runConnectorConformance(
  'excel',
  {
    table: 'People',
    rows: [
      { name: 'Ada', score: 12.5, active: true },
      { name: 'Bob', score: 3, active: false },
      { name: 'Chloé', score: -7, active: true },
      { name: 'Dai', score: 0, active: false },
    ],
    keyColumn: 'name',
    makeRow: (index, version) => ({ name: `person-${index}`, score: index * 10 + version, active: version % 2 === 0 }),
    // The suite's fast policy (a local file has no quota and no retried calls, but the keys must be accepted).
    create: (overrides = {}) =>
      new ExcelConnector(
        { connectionType: 'excel', filePath: path, requestsPerMinute: 0, maxRetries: 2, retryBackoffSeconds: 0.001, ...overrides },
        { metricsRegistry: null },
      ),
    async start() {
      const directory = await temporaryDirectory();
      cleanup = directory.cleanup;
      path = `${directory.dir}/conformance.xlsx`;
    },
    async stop() {
      await cleanup();
    },
    async reset() {
      await rm(path, { force: true });
    },
    async seed(table: string, rows: Row[]) {
      const workbook = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(workbook, XLSX.utils.json_to_sheet(rows), table);
      XLSX.writeFile(workbook, path);
    },
    async records(table: string) {
      const workbook = XLSX.readFile(path, { cellDates: true });
      const sheet = workbook.Sheets[table];
      return sheet ? (XLSX.utils.sheet_to_json(sheet, { defval: null, raw: true }) as Row[]) : [];
    },
  },
  { capabilities: connector.capabilities },
);

afterAll(() => connector.close());
