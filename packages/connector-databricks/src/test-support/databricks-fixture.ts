import { createDatabricksEmulator, type DatabricksEmulator, type DatabricksEndpoint } from '@automl/sandbox/databricks';
import type { ConnectorOptions } from '@automl/connector-core';
import { DatabricksConnector } from '../databricks-connector.js';

export const testToken = 'dapi-connector-test-secret-7f3a';

/** One emulator per test file, and connectors on it with a fast test policy. */
export function databricksFixture(): {
  emulator: DatabricksEmulator;
  start(): Promise<DatabricksEndpoint>;
  create(overrides?: Record<string, unknown>, options?: ConnectorOptions): DatabricksConnector;
} {
  const emulator = createDatabricksEmulator({ tokens: [{ token: testToken }, { token: 'dapi-reader-only-0002', readOnly: true }] });
  let endpoint: DatabricksEndpoint | undefined;
  return {
    emulator,
    async start() {
      endpoint = await emulator.start();
      return endpoint;
    },
    create(overrides = {}, options = {}) {
      if (!endpoint) throw new Error('emulator not started');
      return new DatabricksConnector(
        {
          connectionType: 'databricks',
          host: endpoint.env.DATABRICKS_HOST,
          httpPath: endpoint.httpPath,
          token: testToken,
          catalog: 'main',
          schema: 'default',
          caCert: endpoint.caCert,
          maxRetries: 4,
          retryBackoffSeconds: 0.001,
          maxBackoffSeconds: 0.01,
          requestsPerMinute: 0,
          ...overrides,
        },
        { environment: false, metricsRegistry: null, ...options },
      );
    },
  };
}
