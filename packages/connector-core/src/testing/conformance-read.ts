import { describe, expect, it } from 'vitest';
import { UnsupportedOperationError } from '../errors/connector-error.js';
import type { ConformanceFixture } from './fixture.js';
import { withConnector } from './with-connector.js';

/** Reads: lazy connect, close twice, listing, paging with maxRows, columns, since, query, cancels. */
export function readCases(fixture: ConformanceFixture): void {
  describe('reads', () => {
    it('connects lazily: reading works without an explicit connect()', async () => {
      const rows = await withConnector(fixture, (connector) => connector.readAll({ table: fixture.table }));
      expect(rows).toHaveLength(fixture.rows.length);
    });

    it('connect() twice is one connection, close() twice is a no-op, a closed connector refuses work', async () => {
      const connector = await fixture.create();
      await Promise.all([connector.connect(), connector.connect()]);
      await connector.close();
      await expect(connector.close()).resolves.toBeUndefined();
      await expect(connector.listTables()).rejects.toThrow(/closed/);
      await expect(connector.readAll({ table: fixture.table })).rejects.toThrow(/closed/);
    });

    it('lists the table and describes its columns', async () => {
      await withConnector(fixture, async (connector) => {
        expect(await connector.listTables()).toContain(fixture.table);
        const schema = await connector.describe(fixture.table);
        expect(schema.columns.map((column) => column.name)).toEqual(expect.arrayContaining(Object.keys(fixture.rows[0] ?? {})));
      });
    });

    it('honours maxRows and yields every row in pages', async () => {
      await withConnector(fixture, async (connector) => {
        expect(await connector.readAll({ table: fixture.table, maxRows: 2 })).toHaveLength(2);
        let seen = 0;
        for await (const page of connector.read({ table: fixture.table, pageSize: 2 })) {
          expect(Array.isArray(page)).toBe(true);
          seen += page.length;
        }
        expect(seen).toBe(fixture.rows.length);
      });
    });

    it('refuses a malformed maxRows before any I/O', async () => {
      await withConnector(fixture, async (connector) => {
        await expect(connector.readAll({ table: fixture.table, maxRows: 0 })).rejects.toThrow(/maxRows/);
        await expect(connector.readAll({ table: fixture.table, maxRows: -5 })).rejects.toThrow(/maxRows/);
      });
    });

    it('reads only the columns asked for', async () => {
      const column = fixture.keyColumn;
      await withConnector(fixture, async (connector) => {
        const rows = await connector.readAll({ table: fixture.table, columns: [column] });
        expect(rows).toHaveLength(fixture.rows.length);
        const others = Object.keys(fixture.rows[0] ?? {}).filter((name) => name !== column);
        for (const row of rows) {
          expect(row[column]).not.toBeUndefined();
          if (others.length > 0) expect(others.every((name) => name in row)).toBe(false);
        }
      });
    });

    it('filters with since where supported, refuses it before any I/O where not', async () => {
      await withConnector(fixture, async (connector) => {
        const future = new Date(Date.now() + 365 * 24 * 3600 * 1000);
        if (connector.capabilities.incrementalRead === false) {
          const error = await connector.readAll({ table: fixture.table, since: future }).catch((caught: unknown) => caught);
          expect(UnsupportedOperationError.isInstance(error)).toBe(true);
        } else {
          expect(await connector.readAll({ table: fixture.table, since: future })).toEqual([]);
          expect(await connector.readAll({ table: fixture.table, since: new Date(0) })).toHaveLength(fixture.rows.length);
        }
      });
    });

    it('refuses what it cannot honour (a query, a filter) before any I/O', async () => {
      await withConnector(fixture, async (connector) => {
        if (!connector.capabilities.query) {
          const error = await connector.readAll({ query: 'SELECT 1' }).catch((caught: unknown) => caught);
          expect(UnsupportedOperationError.isInstance(error)).toBe(true);
        }
        if (!connector.capabilities.filter) {
          const error = await connector.readAll({ table: fixture.table, filter: { a: 1 } }).catch((caught: unknown) => caught);
          expect(UnsupportedOperationError.isInstance(error)).toBe(true);
        }
      });
    });

    it("a cancelled read ends with the caller's AbortError and sends nothing more", async () => {
      await withConnector(fixture, async (connector) => {
        const already = new AbortController();
        already.abort();
        const before = fixture.arrivals?.().length;
        const error = await connector.readAll({ table: fixture.table, signal: already.signal }).catch((caught: unknown) => caught);
        expect((error as Error).name).toBe('AbortError');
        if (before !== undefined) expect(fixture.arrivals?.().length).toBe(before);

        const controller = new AbortController();
        const pages = connector.read({ table: fixture.table, pageSize: 1, signal: controller.signal })[Symbol.asyncIterator]();
        await pages.next();
        controller.abort();
        await expect(pages.next()).rejects.toMatchObject({ name: 'AbortError' });
      });
    });

    it('reports a healthy connection with its latency', async () => {
      await withConnector(fixture, async (connector) => {
        const result = await connector.testConnection();
        expect(result).toMatchObject({ ok: true, connector: connector.id });
        expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      });
    });
  });
}
