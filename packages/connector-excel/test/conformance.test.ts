import { runConnectorConformance } from '@automl/connector-core/testing';
import { afterAll, beforeAll } from 'vitest';
import { ExcelConnector } from '../src/index.js';
import { temporaryDirectory } from './helpers.js';

const rows = [
  { name: 'Ada', score: 12.5, active: true },
  { name: 'Bob', score: 3, active: false },
  { name: 'Chloé', score: -7, active: true },
  { name: 'Dai', score: 0, active: false },
];
let path = '';
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  const directory = await temporaryDirectory();
  cleanup = directory.cleanup;
  path = `${directory.dir}/conformance.xlsx`;
  await new ExcelConnector({ connectionType: 'excel' }, { metricsRegistry: null }).writeExcel(rows, { path, sheetName: 'People' });
});
afterAll(async () => {
  await cleanup();
});

runConnectorConformance('excel', {
  create: () => new ExcelConnector({ connectionType: 'excel', filePath: path }, { metricsRegistry: null }),
  table: 'People',
  rows,
});
