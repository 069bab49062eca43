import { createGoogleSheetsEmulator, type GoogleSheetsEmulator, type GoogleSheetsEmulatorOptions, type ServiceAccountKey } from '@automl/sandbox/google';
import { GoogleSheetsConnector } from '../googlesheets-connector.js';
import type { GoogleSheetsConnectorOptions } from '../googlesheets-options.js';

export interface Fixture {
  emulator: GoogleSheetsEmulator;
  key: ServiceAccountKey;
  spreadsheetId: string;
  connector(overrides?: Record<string, unknown>, options?: GoogleSheetsConnectorOptions): GoogleSheetsConnector;
}

/** Fast policy settings for tests: a generous limiter on a 1 s window, millisecond backoffs. */
export const fastPolicy = { requestsPerMinute: 6000, rateLimitWindowSeconds: 1, retryBackoffSeconds: 0.01, maxBackoffSeconds: 0.05 };

export const salesRows = [
  ['name', 'amount', 'paid', 'signed_on', 'note'],
  ['Ada', 12.5, true, new Date(Date.UTC(2024, 0, 15)), 'first'],
  ['Bob', 3, false, new Date(Date.UTC(2024, 1, 29)), null],
  ['Chloé', -7, true, null, '=not a formula'],
];

export async function startFixture(options: GoogleSheetsEmulatorOptions = { rateLimit: false }): Promise<Fixture> {
  const emulator = createGoogleSheetsEmulator(options);
  await emulator.start();
  const key = emulator.createServiceAccount({ projectId: 'automl-tests' });
  const spreadsheetId = emulator.createSpreadsheet({
    title: 'Sales',
    sheets: [{ title: 'Sales', rows: salesRows }, { title: 'Empty' }],
    shareWith: [key.client_email],
  });
  const connectors: GoogleSheetsConnector[] = [];
  return {
    emulator,
    key,
    spreadsheetId,
    connector: (overrides = {}, connectorOptions = {}) => {
      const connector = new GoogleSheetsConnector(
        { connectionType: 'googlesheets', spreadsheetId, credentialsJson: key, baseUrl: emulator.url, ...fastPolicy, ...overrides },
        { metricsRegistry: null, ...connectorOptions },
      );
      connectors.push(connector);
      return connector;
    },
  };
}
