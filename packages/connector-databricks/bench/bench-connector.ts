// The connector as the benchmarks open it on the emulator: no pacing (requestsPerMinute 0, as the
// plain driver has none), no environment, no metrics registry; `extra` adds the case's own keys.
import { DatabricksConnector } from '../dist/index.js';

export function benchConnector(
  endpoint: { httpPath: string; token: string; caCert: string; env: { DATABRICKS_HOST: string } },
  extra: Record<string, unknown> = {},
): DatabricksConnector {
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
