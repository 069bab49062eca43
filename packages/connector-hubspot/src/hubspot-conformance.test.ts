import type { Row } from '@automl/connector-core';
import { runConnectorConformance } from '@automl/connector-core/testing';
import { conformanceFaults } from '@automl/sandbox/harness';
import { createHubSpotEmulator } from '@automl/sandbox/hubspot';
import { HubSpotConnector } from './hubspot-connector.js';
import { fastPolicy } from './test-support/hubspot-test-setup.js';

// Core's shared suite over the emulated portal: reads, upserts and creates, faults (429, 5xx,
// resets, late landings, an expired token mid-write), cancels, the rate limit and secrets, each
// asserted on the records the portal holds.
const emulator = createHubSpotEmulator({ rateLimit: false });

const makeRow = (index: number, version: number): Row => ({ email: `person${index}@example.com`, firstname: `First${index}`, lastname: `v${version}` });

const capabilities = new HubSpotConnector({ apiKey: 'pat-x', baseUrl: 'http://127.0.0.1:9' }, { metricsRegistry: null, environment: false }).capabilities;

runConnectorConformance(
  'hubspot',
  {
    table: 'contacts',
    rows: [0, 1, 2].map((index) => makeRow(index, 0)),
    keyColumn: 'email',
    makeRow,
    keyOf: (row) => String(row.email).toLowerCase(),
    // The portal validates email values: such a row fails alone in its batch.
    invalidRow: (index) => ({ email: `not-an-email-${index}`, firstname: 'Invalid' }),
    create: (overrides = {}) =>
      new HubSpotConnector({ apiKey: emulator.token, baseUrl: emulator.url, ...fastPolicy, ...overrides }, { metricsRegistry: null, environment: false }),
    start: async () => {
      await emulator.start();
    },
    stop: () => emulator.stop(),
    reset: async () => emulator.reset(),
    seed: async (table, rows) => {
      emulator.portal.seedObjects(table, rows as Array<Record<string, string>>);
    },
    records: async (table) => emulator.portal.listObjects(table).map((record) => record.properties as Row),
    faults: conformanceFaults(emulator.faults, { read: 'objects.list', write: ['objects.batchUpsert', 'objects.batchCreate'] }),
    arrivals: () => emulator.requests.map((request) => request.arrivedAt ?? request.at),
    secrets: [emulator.token],
  },
  { capabilities },
);
