import { runConnectorConformance } from '@automl/connector-core/testing';
import { afterAll, beforeAll } from 'vitest';
import { HubSpotConnector } from './hubspot-connector.js';
import { contacts, fastPolicy, startHubSpot, type HubSpotFixture } from './test-support/hubspot-test-setup.js';

let fixture: HubSpotFixture;
const seeded = contacts(7);

beforeAll(async () => {
  fixture = await startHubSpot();
  fixture.emulator.portal.seedObjects('contacts', seeded);
});
afterAll(async () => {
  await fixture.close();
});

runConnectorConformance('hubspot', {
  create: () => new HubSpotConnector({ apiKey: fixture.emulator.token, baseUrl: fixture.url, ...fastPolicy }, { metricsRegistry: null }),
  table: 'contacts',
  rows: seeded,
});
