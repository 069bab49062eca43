import { inspect } from 'node:util';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFixture, type Fixture } from './test-support/googlesheets-fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.emulator.stop();
  fixture = undefined;
});

const rows = (from: number, count: number) => Array.from({ length: count }, (_, index) => ({ id: from + index, label: `row ${from + index}` }));

describe('retries, quotas and secrets', () => {
  it('retries injected 429 and 5xx on reads and writes: no row lost, none duplicated', async () => {
    fixture = await startFixture();
    const connector = fixture.connector({}, { writeBatchRows: 10 });
    fixture.emulator.faults.inject({ route: 'spreadsheets.batchUpdate', after: 1, times: 2, fault: { kind: 'status', status: 503 } });
    fixture.emulator.faults.inject({ route: 'spreadsheets.batchUpdate', after: 4, times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    const result = await connector.write(rows(0, 35), { table: 'Out' });
    expect(result).toMatchObject({ received: 35, written: 35, failed: [] });
    // The append's read of the header row (one values.get) fails once.
    fixture.emulator.faults.inject({ route: 'values.get', times: 1, fault: { kind: 'status', status: 500 } });
    const appended = await connector.write(rows(35, 15), { table: 'Out', mode: 'append' });
    expect(appended).toMatchObject({ received: 15, written: 15, failed: [] });
    expect(
      fixture.emulator.requests
        .filter((request) => request.faulted)
        .map((request) => request.status)
        .sort(),
    ).toEqual([429, 500, 503, 503]);
    expect(fixture.emulator.countRows(fixture.spreadsheetId, 'Out')).toBe(51); // header + 50
    const back = await connector.readAll({ table: 'Out' });
    expect(back.map((row) => row.id)).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('a write retried after a timeout, though the first attempt was applied, does not append twice', async () => {
    fixture = await startFixture();
    const { emulator, spreadsheetId } = fixture;
    const connector = fixture.connector({ requestTimeoutSeconds: 0.2 });
    await connector.write(rows(0, 3), { table: 'Out' });
    // The emulator applies the slow request after the client gave up on it: the retry and the late
    // original carry the same marker id, so only one of them can apply.
    emulator.faults.inject({ route: 'spreadsheets.batchUpdate', times: 1, fault: { kind: 'latency', ms: 600 } });
    const result = await connector.write(rows(3, 4), { table: 'Out', mode: 'append' });
    expect(result).toMatchObject({ written: 4, failed: [] });
    // The late original is answered (refused) before the test looks at the tab.
    await vi.waitFor(() => expect(emulator.requestsTo('spreadsheets.batchUpdate', 400)).toHaveLength(1), { timeout: 10_000 });
    expect(emulator.getValues(spreadsheetId, 'Out').map((row) => row[0])).toEqual(['id', 0, 1, 2, 3, 4, 5, 6]);
    // Core's write loop waits for a timed-out attempt to be answered before the batch ends, so both
    // attempts were answered before the write removed its markers: none is left behind.
    expect(emulator.developerMetadata(spreadsheetId)).toHaveLength(0);
  });

  it('reports every row of a batch that is refused, and goes on with the next batches', async () => {
    fixture = await startFixture();
    const connector = fixture.connector({ maxRetries: 1 }, { writeBatchRows: 4 });
    fixture.emulator.faults.inject({
      route: 'spreadsheets.batchUpdate',
      after: 2,
      times: 1,
      fault: { kind: 'status', status: 400, message: 'Invalid requests[0].updateCells: injected' },
    });
    const result = await connector.write(rows(0, 10), { table: 'Out' });
    expect(result).toMatchObject({ received: 10, written: 6 });
    expect(result.failed.map((failure) => failure.index)).toEqual([4, 5, 6, 7]);
    expect(result.failed[0]).toMatchObject({ code: 'INVALID_ARGUMENT', reason: expect.stringContaining('injected') });
    expect(fixture.emulator.getValues(fixture.spreadsheetId, 'Out').map((row) => row[0])).toEqual(['id', 0, 1, 2, 3, 8, 9]);
  });

  it('honours a 429 with Retry-After from the server quota', async () => {
    fixture = await startFixture({ rateLimit: { limit: 2, windowMs: 1000 } });
    const connector = fixture.connector({ requestsPerMinute: 0, maxRetries: 5 });
    const tables = [];
    for (let index = 0; index < 3; index += 1) tables.push(await connector.listTables());
    expect(tables).toHaveLength(3);
    expect(fixture.emulator.rateWindow?.stats().rejected).toBeGreaterThan(0);
    expect(fixture.emulator.requestsTo('spreadsheets.get', 200)).toHaveLength(3);
  });

  it('never sends more than the configured rate', async () => {
    // The emulator counts in a slightly shorter window, so arrival jitter cannot be mistaken for excess.
    fixture = await startFixture({ rateLimit: { limit: 3, windowMs: 900 } });
    const connector = fixture.connector({ requestsPerMinute: 180, rateLimitWindowSeconds: 1, maxRetries: 0 });
    await Promise.all(Array.from({ length: 8 }, () => connector.listTables()));
    const stats = fixture.emulator.rateWindow!.stats();
    expect(stats.total).toBe(8);
    expect(stats.rejected).toBe(0);
    expect(stats.peakInWindow).toBeLessThanOrEqual(3);
  });

  it('leaks no part of the key in errors, inspect, JSON, logs or metrics', async () => {
    fixture = await startFixture();
    const { emulator, key, spreadsheetId } = fixture;
    const body = key.private_key.split('\n').filter((line) => line && !line.startsWith('-----'));
    const secrets = [key.private_key_id, ...body, JSON.stringify(key.private_key).slice(1, 80)];
    const lines: string[] = [];
    const capture = (level: string) => (object: Record<string, unknown>, message?: string) => lines.push(`${level} ${JSON.stringify(object)} ${message ?? ''}`);
    const logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
    const registry = new Registry();
    const connector = fixture.connector({ maxRetries: 1 }, { logger, metricsRegistry: registry });
    const outputs: string[] = [];
    const failures: unknown[] = [];
    const attempt = async (operation: () => Promise<unknown>) => {
      try {
        outputs.push(inspect(await operation(), { depth: 6 }));
      } catch (error) {
        failures.push(error);
      }
    };
    await attempt(() => connector.readAll({ table: 'Sales' }));
    await attempt(() => connector.write([{ a: 1 }], { table: 'Out' }));
    emulator.faults.inject({ route: 'values.get', times: 2, fault: { kind: 'status', status: 429 } });
    await attempt(() => connector.readAll({ table: 'Sales' }));
    emulator.unshare(spreadsheetId, key.client_email);
    await attempt(() => connector.listTables());
    emulator.share(spreadsheetId, key.client_email);
    await attempt(() => fixture!.connector({ spreadsheetId: 'nope' }, { logger, metricsRegistry: registry }).listTables());
    emulator.revokeKey(key.private_key_id);
    await attempt(() => connector.listTables());
    await attempt(() => connector.testConnection());
    expect(failures).toHaveLength(4);
    for (const error of failures) {
      outputs.push(String((error as Error).message), String((error as Error).stack), inspect(error, { depth: 8 }), JSON.stringify(error));
    }
    outputs.push(inspect(connector, { depth: 8 }), JSON.stringify(connector), ...lines, await registry.metrics());
    expect(lines.some((line) => line.startsWith('error'))).toBe(true);
    expect(await registry.metrics()).toContain('ml_connectors_requests_total');
    const everything = outputs.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/Bearer\s+ey/);
  });
});
