import type { Row } from '@automl/connector-core';
import type { ConformanceFault } from '@automl/connector-core/testing';
import { runConnectorConformance } from '@automl/connector-core/testing';
import { databricksFixture, testToken } from './test-support/databricks-fixture.js';

const fixture = databricksFixture();
const { emulator } = fixture;
const columns = { id: 'BIGINT', name: 'STRING', score: 'DOUBLE' };

/** Thrift calls that carry a read or a write, for the suite's faults. */
const routes = {
  read: /^(ExecuteStatement:SELECT|FetchResults)$/,
  write: /^ExecuteStatement:(CREATE|INSERT|BEGIN|MERGE|COMMIT|DROP)$/,
};

function inject(fault: ConformanceFault, on: 'read' | 'write', times?: number): void {
  const route = routes[on];
  switch (fault.kind) {
    case 'rate-limit':
      emulator.faults.inject({ route, times, fault: { kind: 'status', status: 429, retryAfterSeconds: fault.retryAfterSeconds } });
      return;
    case 'server-error':
      emulator.faults.inject({ route, times, fault: { kind: 'status', status: 503 } });
      return;
    case 'reset':
      emulator.faults.inject({ route, times, fault: { kind: 'reset' } });
      return;
    case 'late-landing':
      emulator.faults.inject({ route, times, fault: { kind: 'latency', ms: fault.ms } });
      return;
    case 'expired-credential':
      // Every call from now on, as a token that expired.
      emulator.faults.inject({ route: /./, times, fault: { kind: 'auth' } });
      return;
  }
}

runConnectorConformance(
  'databricks',
  {
    table: 'conformance_items',
    rows: [
      { id: 1, name: 'one', score: 0.5 },
      { id: 2, name: 'two', score: 1.5 },
      { id: 3, name: 'three', score: 2.5 },
    ],
    keyColumn: 'id',
    makeRow: (index: number, version: number): Row => ({ id: index, name: `item ${index} v${version}`, score: version }),
    invalidRow: (index: number): Row => ({ id: 9000 + index, score: 'not a number' }),
    create: (overrides) => fixture.create({ writeBatchSize: 5, ...overrides }),
    start: async () => {
      await fixture.start();
    },
    stop: () => emulator.stop(),
    reset: () => emulator.reset(),
    seed: (table, rows) => emulator.seed(table, rows as never, { columns }),
    records: async (table) => {
      const rows = await emulator.rows(table);
      return rows.map((row) => ({ ...row, id: Number(row.id) })) as Row[];
    },
    faults: { inject, clear: () => emulator.faults.clear() },
    arrivals: () => emulator.requests.map((request) => request.at),
    secrets: [testToken],
  },
  { capabilities: { write: true, writeModes: ['append', 'overwrite', 'upsert'] } },
);
