import { describe, expect, it } from 'vitest';
import type { Connector } from '../contract/connector.js';
import type { Row } from '../contract/row.js';

export interface ConformanceSubject {
  /** A new connector over a source that holds `rows` in `table` (at least 3 rows). */
  create(): Promise<Connector> | Connector;
  table: string;
  /** The rows the source holds, as the connector should read them. */
  rows: Row[];
  /** Whether `write` is expected to work (and read back through `readAll`). */
  writable?: boolean;
}

/**
 * @deprecated the first suite (reads only, no system state); pass a ConformanceFixture instead.
 * The behaviour every connector shares, as one suite each connector package runs with its own
 * fixture (`runConnectorConformance('excel', {...})`): lazy connect, idempotent close, listing,
 * describing, paging with maxRows, and what a closed connector does.
 */
export function runLegacyConformance(name: string, subject: ConformanceSubject): void {
  describe(`${name}: connector conformance`, () => {
    it('connects lazily: reading works without an explicit connect()', async () => {
      const connector = await subject.create();
      try {
        const rows = await connector.readAll({ table: subject.table });
        expect(rows.length).toBe(subject.rows.length);
      } finally {
        await connector.close();
      }
    });

    it('connect() twice is one connection and close() twice is a no-op', async () => {
      const connector = await subject.create();
      await Promise.all([connector.connect(), connector.connect()]);
      await connector.close();
      await expect(connector.close()).resolves.toBeUndefined();
      await expect(connector.listTables()).rejects.toThrow(/closed/);
    });

    it('lists the table and describes its columns', async () => {
      const connector = await subject.create();
      try {
        expect(await connector.listTables()).toContain(subject.table);
        const schema = await connector.describe(subject.table);
        const firstRow = subject.rows[0]!;
        expect(schema.columns.map((column) => column.name)).toEqual(expect.arrayContaining(Object.keys(firstRow)));
      } finally {
        await connector[Symbol.asyncDispose]();
      }
    });

    it('honours maxRows and yields pages of rows', async () => {
      const connector = await subject.create();
      try {
        const limited = await connector.readAll({ table: subject.table, maxRows: 2 });
        expect(limited).toHaveLength(2);
        let seen = 0;
        for await (const page of connector.read({ table: subject.table })) {
          expect(Array.isArray(page)).toBe(true);
          seen += page.length;
        }
        expect(seen).toBe(subject.rows.length);
      } finally {
        await connector.close();
      }
    });

    it('reports a healthy connection with its latency', async () => {
      const connector = await subject.create();
      try {
        const result = await connector.testConnection();
        expect(result).toMatchObject({ ok: true, connector: connector.id });
        expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      } finally {
        await connector.close();
      }
    });
  });
}
