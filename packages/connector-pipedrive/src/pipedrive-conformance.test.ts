import type { Row } from '@automl/connector-core';
import { runConnectorConformance } from '@automl/connector-core/testing';
import { createPipedriveEmulator } from '@automl/sandbox/pipedrive';
import { PipedriveConnector } from './pipedrive-connector.js';
import { fastPolicy } from './test-support/pipedrive-test-setup.js';

// Core's shared suite over the emulator: reads, upserts and appends, faults, cancels, the rate
// limit and secrets, each asserted on what the emulated company holds.
const emulator = createPipedriveEmulator({ rateLimit: false, dailyBudget: 100_000_000 });
const writeRoutes = ['persons.create', 'persons.update'];
const readRoutes = ['persons.list', 'persons.search'];

const defineFields = () => {
  emulator.company.addField('persons', 'churn_risk', 'double');
  emulator.company.addField('persons', 'segment', 'varchar');
};

const makeRow = (index: number, version: number): Row => ({
  email: `person${index}@example.com`,
  name: `Person ${index}`,
  churn_risk: ((index * 7 + version * 13) % 100) / 100,
  segment: `v${version}`,
});

/** What the company holds, in the connector's column names. */
function records(): Row[] {
  const risk = emulator.company.field('persons', 'churn_risk');
  const segment = emulator.company.field('persons', 'segment');
  return emulator.company.list('persons').map((person) => {
    const emails = (person.values.emails as Array<{ value: string; primary: boolean }>) ?? [];
    return {
      email: (emails.find((item) => item.primary) ?? emails[0])?.value ?? null,
      name: String(person.values.name ?? ''),
      churn_risk: (risk ? person.custom[risk.key] : null) as number | null,
      segment: (segment ? person.custom[segment.key] : null) as string | null,
    };
  });
}

const probe = new PipedriveConnector({ apiKey: 'x', baseUrl: 'http://127.0.0.1:9' }, { metricsRegistry: null, environment: false });

runConnectorConformance(
  'pipedrive',
  {
    table: 'persons',
    rows: [0, 1, 2].map((index) => makeRow(index, 0)),
    keyColumn: 'email',
    makeRow,
    keyOf: (row) => String(row.email).toLowerCase(),
    invalidRow: (index) => ({ email: `invalid${index}@example.com`, churn_risk: 'not a number' }),
    create: (overrides = {}) =>
      new PipedriveConnector({ apiKey: emulator.token, baseUrl: emulator.url, ...fastPolicy, ...overrides }, { metricsRegistry: null, environment: false }),
    start: async () => {
      await emulator.start();
    },
    stop: () => emulator.stop(),
    reset: async () => {
      emulator.reset();
      defineFields();
    },
    seed: async (_table, rows) => {
      emulator.seed('persons', rows as Array<Record<string, unknown>>);
    },
    records: async () => records(),
    faults: {
      inject: (fault, on, times) => {
        const route = on === 'write' ? writeRoutes : readRoutes;
        const rule = times === undefined ? {} : { times };
        switch (fault.kind) {
          case 'rate-limit':
            emulator.faults.inject({ route, ...rule, fault: { kind: 'status', status: 429, retryAfterSeconds: fault.retryAfterSeconds } });
            break;
          case 'server-error':
            emulator.faults.inject({ route, ...rule, fault: { kind: 'status', status: 500 } });
            break;
          case 'reset':
            emulator.faults.inject({ route, ...rule, fault: { kind: 'reset' } });
            break;
          case 'late-landing':
            emulator.faults.inject({ route, ...rule, fault: { kind: 'latency', ms: fault.ms } });
            break;
          case 'expired-credential':
            emulator.faults.inject({ ...rule, fault: { kind: 'auth' } });
            break;
        }
      },
      clear: () => emulator.faults.clear(),
    },
    arrivals: () => [...emulator.arrivals],
    secrets: [emulator.token],
  },
  { capabilities: probe.capabilities },
);
