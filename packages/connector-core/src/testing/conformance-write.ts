import { describe, expect, it } from 'vitest';
import { writeResultOf } from '../base/write-loop.js';
import type { Connector } from '../contract/connector.js';
import type { WriteMode, WriteResult } from '../contract/requests.js';
import type { Row } from '../contract/row.js';
import { UnsupportedOperationError } from '../errors/connector-error.js';
import type { ConformanceFault, ConformanceFixture } from './fixture.js';
import { withConnector } from './with-connector.js';

const keyOf = (fixture: ConformanceFixture, row: Row) => (fixture.keyOf ? fixture.keyOf(row) : String(row[fixture.keyColumn]));

/** Every input row is written or failed, exactly once, with its index. */
export function expectAccounted(result: WriteResult, received: number): void {
  expect(result.received).toBe(received);
  expect(result.written + result.failed.length).toBe(received);
  const indexes = result.failed.map((failure) => failure.index);
  expect(new Set(indexes).size).toBe(indexes.length);
  for (const index of indexes) expect(index).toBeGreaterThanOrEqual(0);
}

/** The system holds one record per key, with the values of the last input row naming it. */
async function expectLastValuePerKey(fixture: ConformanceFixture, input: Row[], failedIndexes: Set<number>): Promise<void> {
  const records = await fixture.records(fixture.table);
  const byKey = new Map<string, Row[]>();
  for (const record of records) {
    const key = keyOf(fixture, record);
    byKey.set(key, [...(byKey.get(key) ?? []), record]);
  }
  for (const [key, copies] of byKey) expect(copies, `duplicates of key ${key}`).toHaveLength(1);
  const expected = new Map<string, Row>();
  input.forEach((row, index) => {
    if (!failedIndexes.has(index)) expected.set(keyOf(fixture, row), row);
  });
  for (const [key, row] of expected) {
    const stored = byKey.get(key)?.[0];
    expect(stored, `record for key ${key}`).toBeDefined();
    for (const [column, value] of Object.entries(row)) {
      if (column === fixture.keyColumn) continue;
      expect(String(stored?.[column]), `${key}.${column}`).toBe(String(value));
    }
  }
}

function modesOf(fixture: ConformanceFixture, connector: Connector): WriteMode[] {
  return (fixture.writeModes ?? connector.capabilities.writeModes) as WriteMode[];
}

/** The mode the fault cases write with: upsert where there is one (its retries are safe), else append. */
function faultMode(modes: WriteMode[]): WriteMode {
  return modes.includes('upsert') ? 'upsert' : (modes[0] ?? 'append');
}

export function writeCases(fixture: ConformanceFixture, capabilities: { write: boolean; writeModes: readonly WriteMode[] }): void {
  describe('writes', () => {
    if (!capabilities.write) {
      it('refuses writes before any I/O', async () => {
        await withConnector(fixture, async (connector) => {
          const error = await connector.write([fixture.makeRow(0, 1)]).catch((caught: unknown) => caught);
          expect(UnsupportedOperationError.isInstance(error)).toBe(true);
        });
      });
      return;
    }
    const modes = (fixture.writeModes ?? capabilities.writeModes) as WriteMode[];

    if (modes.includes('append')) {
      it('append adds the rows, which read back', async () => {
        const input = [0, 1, 2, 3, 4].map((index) => fixture.makeRow(1000 + index, 1));
        const result = await withConnector(fixture, (connector) => connector.write(input, { table: fixture.table, mode: 'append' }));
        expectAccounted(result, input.length);
        expect(result.failed).toEqual([]);
        const records = await fixture.records(fixture.table);
        expect(records).toHaveLength(fixture.rows.length + input.length);
        const back = await withConnector(fixture, (connector) => connector.readAll({ table: fixture.table }));
        expect(back.map((row) => keyOf(fixture, row))).toEqual(expect.arrayContaining(input.map((row) => keyOf(fixture, row))));
      });
    }

    if (modes.includes('overwrite')) {
      it('overwrite replaces what the table held', async () => {
        const input = [0, 1, 2].map((index) => fixture.makeRow(2000 + index, 1));
        const result = await withConnector(fixture, (connector) => connector.write(input, { table: fixture.table, mode: 'overwrite' }));
        expectAccounted(result, input.length);
        const records = await fixture.records(fixture.table);
        expect(records.map((row) => keyOf(fixture, row)).sort()).toEqual(input.map((row) => keyOf(fixture, row)).sort());
      });
    }

    if (modes.includes('upsert')) {
      it('an upsert run twice leaves one record per key, with the last values', async () => {
        const first = [0, 1, 2, 3].map((index) => fixture.makeRow(3000 + index, 1));
        const second = [0, 1, 2, 3].map((index) => fixture.makeRow(3000 + index, 2));
        await withConnector(fixture, async (connector) => {
          expectAccounted(await connector.write(first, { table: fixture.table, mode: 'upsert', keyColumn: fixture.keyColumn }), 4);
          expectAccounted(await connector.write(second, { table: fixture.table, mode: 'upsert', keyColumn: fixture.keyColumn }), 4);
        });
        expect(await fixture.records(fixture.table)).toHaveLength(fixture.rows.length + 4);
        await expectLastValuePerKey(fixture, [...first, ...second], new Set());
      });

      it('a key repeated within one write ends with its last row', async () => {
        const input = [fixture.makeRow(3100, 1), fixture.makeRow(3101, 1), fixture.makeRow(3100, 2), fixture.makeRow(3100, 3)];
        const result = await withConnector(fixture, (connector) =>
          connector.write(input, { table: fixture.table, mode: 'upsert', keyColumn: fixture.keyColumn }),
        );
        expectAccounted(result, input.length);
        await expectLastValuePerKey(fixture, input, new Set(result.failed.map((failure) => failure.index)));
      });
    }

    if (fixture.invalidRow) {
      const invalidRow = fixture.invalidRow;
      it('a partial batch failure names exactly the rows that failed, the others land', async () => {
        await withConnector(fixture, async (connector) => {
          const mode = faultMode(modesOf(fixture, connector));
          const input = [fixture.makeRow(4000, 1), invalidRow(1), fixture.makeRow(4002, 1), invalidRow(3), fixture.makeRow(4004, 1)];
          const result = await connector.write(input, { table: fixture.table, mode, keyColumn: fixture.keyColumn });
          expectAccounted(result, input.length);
          expect(result.failed.map((failure) => failure.index)).toEqual([1, 3]);
          for (const failure of result.failed) expect(failure.reason.length).toBeGreaterThan(0);
          const keys = (await fixture.records(fixture.table)).map((row) => keyOf(fixture, row));
          for (const index of [0, 2, 4]) expect(keys).toContain(keyOf(fixture, input[index] as Row));
        });
      });
    }

    it('a cancelled write rejects with AbortError, stops pulling input, lets batches in flight answer and carries its exact partial result', async () => {
      const controller = new AbortController();
      let pulled = 0;
      const input: Row[] = [];
      async function* slowInput(): AsyncGenerator<Row> {
        for (let index = 0; index < 10_000; index += 1) {
          pulled += 1;
          if (index === 30) controller.abort();
          const row = fixture.makeRow(5000 + index, 1);
          input.push(row);
          yield row;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      await withConnector(fixture, async (connector) => {
        const mode = faultMode(modesOf(fixture, connector));
        const error = await connector
          .write(slowInput(), { table: fixture.table, mode, keyColumn: fixture.keyColumn, signal: controller.signal })
          .catch((caught: unknown) => caught);
        expect((error as Error).name).toBe('AbortError');
        const partial = writeResultOf(error);
        expect(partial).toBeDefined();
        expectAccounted(partial as WriteResult, (partial as WriteResult).received);
        expect(pulled).toBeLessThan(10_000);
        expect((partial as WriteResult).received).toBeLessThanOrEqual(pulled);
        // Batches sent before the cancel were answered (the system answers quickly here), so no row's
        // outcome is unknown, and every row reported written is on the system.
        const failed = (partial as WriteResult).failed;
        expect(failed.filter((failure) => failure.code === 'CANCELLED')).toEqual([]);
        const failedIndexes = new Set(failed.map((failure) => failure.index));
        const stored = new Set((await fixture.records(fixture.table)).map((record) => keyOf(fixture, record)));
        const writtenKeys = input.slice(0, (partial as WriteResult).received).filter((_, index) => !failedIndexes.has(index));
        for (const row of writtenKeys) expect(stored).toContain(keyOf(fixture, row));
      });
    });

    if (fixture.faults) faultCases(fixture);
  });
}

function faultCases(fixture: ConformanceFixture): void {
  const faults = fixture.faults as NonNullable<ConformanceFixture['faults']>;
  const cases: Array<{ name: string; fault: ConformanceFault; overrides?: Record<string, unknown> }> = [
    { name: 'a 429 with Retry-After', fault: { kind: 'rate-limit', retryAfterSeconds: 0.05 } },
    { name: 'a 5xx', fault: { kind: 'server-error' } },
    { name: 'a connection reset', fault: { kind: 'reset' } },
    { name: 'a request that times out on the client but lands late', fault: { kind: 'late-landing', ms: 600 }, overrides: { requestTimeoutSeconds: 0.2 } },
  ];
  describe('faults: 0 lost, 0 duplicated, the last row per key wins, every row accounted for', () => {
    for (const { name, fault, overrides } of cases) {
      it(`survives ${name} mid-write`, async () => {
        const input = Array.from({ length: 12 }, (_, index) => fixture.makeRow(6000 + (index % 9), 1 + Math.floor(index / 9)));
        await withConnector(
          fixture,
          async (connector) => {
            const mode = faultMode(modesOf(fixture, connector));
            faults.inject(fault, 'write', 1);
            const result = await connector.write(input, { table: fixture.table, mode, keyColumn: fixture.keyColumn }).catch((error: unknown) => {
              const partial = writeResultOf(error);
              if (!partial) throw error;
              return partial;
            });
            faults.clear();
            expectAccounted(result, input.length);
            const failed = new Set(result.failed.map((failure) => failure.index));
            if (mode === 'upsert') await expectLastValuePerKey(fixture, input, failed);
            else {
              const records = await fixture.records(fixture.table);
              // Appends are never retried when their outcome is unknown: no duplicate, and every written row is there.
              const keys = records.map((row) => keyOf(fixture, row));
              expect(new Set(keys).size).toBe(keys.length);
            }
            // A late landing may be reported failed (unknown outcome) but must never be duplicated;
            // the other faults are retried and everything lands.
            if (fault.kind !== 'late-landing') expect(result.failed).toEqual([]);
          },
          { maxRetries: 3, retryBackoffSeconds: 0.01, maxBackoffSeconds: 0.1, ...overrides },
        );
      });
    }

    it('an expired credential mid-write stops it: what landed is reported as written, the rest as failed', async () => {
      const input = Array.from({ length: 30 }, (_, index) => fixture.makeRow(7000 + index, 1));
      let sent = 0;
      async function* rows(): AsyncGenerator<Row> {
        for (const row of input) {
          sent += 1;
          if (sent === 15) faults.inject({ kind: 'expired-credential' }, 'write');
          yield row;
        }
      }
      await withConnector(
        fixture,
        async (connector) => {
          const mode = faultMode(modesOf(fixture, connector));
          const outcome = await connector.write(rows(), { table: fixture.table, mode, keyColumn: fixture.keyColumn }).then(
            (result) => ({ result, error: undefined as unknown }),
            (error: unknown) => ({ result: writeResultOf(error), error }),
          );
          faults.clear();
          expect(outcome.result).toBeDefined();
          const result = outcome.result as WriteResult;
          expectAccounted(result, result.received);
          const stored = new Set((await fixture.records(fixture.table)).map((row) => keyOf(fixture, row)));
          const landed = input.filter((row) => stored.has(keyOf(fixture, row))).length;
          // The connector's word matches the system's state: written rows are there, failed ones are not.
          expect(landed).toBe(result.written);
          for (const failure of result.failed) expect(stored.has(keyOf(fixture, failure.row))).toBe(false);
        },
        { maxRetries: 1, retryBackoffSeconds: 0.01 },
      );
    });
  });
}
