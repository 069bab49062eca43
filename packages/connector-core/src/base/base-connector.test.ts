import { conformanceFaults, createRecordsApiEmulator } from '@automl/sandbox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RecordsConnector } from '../test-support/records-connector.js';
import { writeResultOf } from './write-loop.js';
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

const seedRows = ['a', 'b', 'c', 'd', 'e'].map((key) => ({ key, score: key.charCodeAt(0) }));
const probeConnector = new RecordsConnector({ apiKey: 'records-test-token', baseUrl: 'http://127.0.0.1:9' }, { metricsRegistry: null });

runConnectorConformance(
  'records (core test connector)',
  {
    table: 'records',
    rows: seedRows,
    keyColumn: 'key',
    makeRow: (index, version) => ({ key: `k${index}`, score: version * 100_000 + index }),
    create: (overrides = {}) =>
      new RecordsConnector(
        { apiKey: 'records-test-token', baseUrl, requestsPerMinute: 0, maxRetries: 2, retryBackoffSeconds: 0.001, ...overrides },
        { metricsRegistry: null },
      ),
    reset: async () => {
      emulator.records.clear();
      emulator.faults.clear();
      emulator.clearLog();
    },
    seed: async (_table, rows) => {
      for (const row of rows) emulator.records.set(String(row.key), { ...row });
    },
    records: async () => [...emulator.records.values()] as never,
    faults: conformanceFaults(emulator.faults, { read: 'list', write: ['put', 'create'] }),
    arrivals: () => emulator.requests.map((request) => request.arrivedAt ?? request.at),
    secrets: ['records-test-token'],
  },
  { capabilities: probeConnector.capabilities },
);

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

  it('a cancelled write waits for its batch in flight only for a bounded grace: a batch still unanswered then ends CANCELLED', async () => {
    emulator.records.clear();
    emulator.clearLog();
    // The grace is one request timeout (at most 30 s); the first PUT takes far longer than that.
    const connector = new RecordsConnector(
      { apiKey: 'records-test-token', baseUrl, requestsPerMinute: 0, maxRetries: 0, requestTimeoutSeconds: 0.2 },
      { metricsRegistry: null },
    );
    emulator.faults.inject({ route: 'put', times: 1, fault: { kind: 'latency', ms: 3_000 } });
    const controller = new AbortController();
    const rows = Array.from({ length: 3 }, (_, index) => ({ key: `slow${index}`, score: index }));
    const writing = connector.write(rows, { mode: 'upsert', keyColumn: 'key', signal: controller.signal }).catch((caught: unknown) => caught);
    // Cancel once the first request is on the emulator (in flight).
    await vi.waitFor(() => expect(emulator.peakConcurrentRequests).toBeGreaterThan(0), { timeout: 10_000, interval: 5 });
    controller.abort();
    const error = await writing;
    expect((error as Error).name).toBe('AbortError');
    expect(writeResultOf(error)?.failed.map((failure) => failure.code)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    emulator.faults.clear();
  });
});
