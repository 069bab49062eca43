// @ts-check
// The connector as the benchmarks open it on the emulator: no pacing (requestsPerMinute 0, as the
// plain driver has none), no environment, no metrics registry; `extra` adds the case's own keys.
// Plain JavaScript, as are plain-driver.js and read-client.js: a read client's process then holds
// what a user's would, not Node's TypeScript stripper (about 17 MB of RSS of its own).
import { DatabricksConnector } from '../dist/index.js';

/**
 * @param {{ httpPath: string; token: string; caCert: string; env: { DATABRICKS_HOST: string } }} endpoint
 * @param {Record<string, unknown>} [extra]
 * @returns {DatabricksConnector}
 */
export function benchConnector(endpoint, extra = {}) {
  return new DatabricksConnector(
    {
      connectionType: 'databricks',
      host: endpoint.env.DATABRICKS_HOST,
      httpPath: endpoint.httpPath,
      token: endpoint.token,
      caCert: endpoint.caCert,
      requestsPerMinute: 0,
      ...extra,
    },
    { environment: false, metricsRegistry: null },
  );
}
