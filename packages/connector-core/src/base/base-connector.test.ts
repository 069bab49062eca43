import { createRecordsApiEmulator } from '@automl/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordsConnector } from '../test-support/records-connector.js';
import { runConnectorConformance } from '../testing/conformance.js';

const emulator = createRecordsApiEmulator();
let baseUrl = '';
beforeAll(async () => {
  baseUrl = await emulator.start();
  for (const key of ['a', 'b', 'c', 'd', 'e']) emulator.records.set(key, { key, score: key.charCodeAt(0) });
});
afterAll(async () => {
  await emulator.stop();
});

runConnectorConformance('records (core test connector)', {
  create: () => new RecordsConnector({ apiKey: 'records-test-token', baseUrl, maxRetries: 0 }, { metricsRegistry: null }),
  table: 'records',
  rows: ['a', 'b', 'c', 'd', 'e'].map((key) => ({ key, score: key.charCodeAt(0) })),
});

describe('BaseConnector', () => {
  it('forgets a failed connect so the next call can succeed', async () => {
    const connector = new RecordsConnector({ apiKey: 'records-test-token', baseUrl, maxRetries: 0 }, { metricsRegistry: null });
    emulator.faults.inject({ route: 'list', times: 1, fault: { kind: 'status', status: 401 } });
    const first = await connector.testConnection();
    expect(first).toMatchObject({ ok: false, error: { name: 'AuthenticationError' } });
    await expect(connector.testConnection()).resolves.toMatchObject({ ok: true, identity: 'records-api' });
  });

  it('readAll honours the config maxRows when the request gives none', async () => {
    const connector = new RecordsConnector({ apiKey: 'records-test-token', baseUrl, maxRows: 3 }, { metricsRegistry: null });
    expect(await connector.readAll({ pageSize: 2 })).toHaveLength(3);
    // Paging stops once enough rows arrived: 2 pages of 2, not all 3 pages.
  });

  it('serialises without its credentials', () => {
    const connector = new RecordsConnector({ apiKey: 'records-test-token', baseUrl }, { metricsRegistry: null });
    expect(JSON.stringify(connector)).toBe(JSON.stringify({ connector: 'pipedrive', config: { connectionType: 'pipedrive', apiKey: '[REDACTED]', baseUrl } }));
  });
});
