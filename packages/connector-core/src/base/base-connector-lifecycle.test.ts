import { createRecordsApiEmulator } from '@automl/sandbox';
import { Registry } from 'prom-client';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTestResult } from '../contract/requests.js';
import type { TableSchema } from '../contract/row.js';
import { ConnectorError } from '../errors/connector-error.js';
import { RecordsConnector } from '../test-support/records-connector.js';
import { BaseConnector } from './base-connector.js';

const emulator = createRecordsApiEmulator();
let baseUrl = '';
beforeAll(async () => {
  baseUrl = await emulator.start();
});
afterAll(async () => {
  await emulator.stop();
});

/** A connector whose open fails half way, to prove core cleans up and counts the failure. */
class HalfOpenConnector extends BaseConnector<'hubspot'> {
  closed = 0;
  constructor(registry: Registry) {
    super('hubspot', { apiKey: 'pat-half-open-secret' }, { metricsRegistry: registry, environment: false });
  }
  protected async openConnection(): Promise<void> {
    throw new Error('could not open with pat-half-open-secret');
  }
  protected async closeConnection(): Promise<void> {
    this.closed += 1;
  }
  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity'>> {
    return {};
  }
  protected classifyError(error: unknown, operation: string): ConnectorError {
    return new ConnectorError({ message: (error as Error).message, connector: this.id, operation });
  }
  async listTables(): Promise<string[]> {
    await this.connect();
    return [];
  }
  async describe(): Promise<TableSchema> {
    return { table: 'x', columns: [] };
  }
}

describe('BaseConnector lifecycle', () => {
  it('a failed connect is cleaned up, counted in ml_connectors_errors_total and scrubbed', async () => {
    const registry = new Registry();
    const connector = new HalfOpenConnector(registry);
    const error = await connector.connect().catch((caught: unknown) => caught);
    expect(connector.closed).toBe(1);
    expect(String((error as Error).message)).not.toContain('pat-half-open-secret');
    expect(await registry.metrics()).toMatch(/ml_connectors_errors_total\{connector="hubspot",operation="connect",error_type="connector"\} 1/);
    await connector.close();
    expect(connector.closed).toBe(1);
  });

  it('refuses an unsupported request before any I/O', async () => {
    const connector = new RecordsConnector({ apiKey: 'records-test-token', baseUrl }, { metricsRegistry: null });
    emulator.clearLog();
    await expect(connector.readAll({ since: new Date() })).rejects.toMatchObject({ name: 'UnsupportedOperationError' });
    await expect(connector.readAll({ query: 'SELECT 1' })).rejects.toMatchObject({ name: 'UnsupportedOperationError' });
    await expect(connector.write([{ key: 'a' }], { mode: 'overwrite' })).rejects.toMatchObject({ name: 'UnsupportedOperationError' });
    await expect(connector.write([{ key: 'a' }], { mode: 'upsert' })).rejects.toThrow(/keyColumn: is required/);
    expect(emulator.requests).toHaveLength(0);
    await connector.close();
  });

  it('reports each read through onReport, not as state on the connector', async () => {
    for (const key of ['a', 'b', 'c']) emulator.records.set(key, { key });
    const connector = new RecordsConnector({ apiKey: 'records-test-token', baseUrl, requestsPerMinute: 0 }, { metricsRegistry: null });
    const reports: unknown[] = [];
    await connector.readAll({ pageSize: 1, onReport: (report) => reports.push(report) });
    await connector.readAll({ maxRows: 1, onReport: (report) => reports.push(report) });
    expect(reports).toEqual([
      { rows: 3, pages: 3, truncated: false, warnings: [] },
      { rows: 1, pages: 1, truncated: true, warnings: [] },
    ]);
    await connector.close();
  });

  it('masks credentials carried in a baseUrl when serialised', () => {
    const connector = new RecordsConnector(
      { apiKey: 'records-test-token', baseUrl: 'https://user:hunter2@proxy.example/x?token=abc123&page=2' },
      { metricsRegistry: null },
    );
    for (const text of [JSON.stringify(connector), inspect(connector, { depth: 6 })]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('abc123');
      expect(text).toContain('page=2');
    }
  });

  it('carries the contract version the factory checks', () => {
    const connector = new RecordsConnector({ apiKey: 'records-test-token', baseUrl }, { metricsRegistry: null });
    expect(connector.specificationVersion).toBe(2);
  });
});
