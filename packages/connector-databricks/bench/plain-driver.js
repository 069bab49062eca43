// @ts-check
// The benchmarks' baseline: the plain @databricks/sql driver opened on the emulator the way a user
// would (telemetry off, the emulator's CA), with nothing of the connector in between.
import { DBSQLClient } from '@databricks/sql';

/** @typedef {{ host: string; port: number; httpPath: string; token: string; caCert: string }} EmulatorEndpoint */

/**
 * A session of the plain driver; `close()` ends the session and the client.
 * @param {EmulatorEndpoint} endpoint
 */
export async function openPlainDriver(endpoint) {
  const client = new DBSQLClient({ logger: /** @type {never} */ ({ log: () => undefined }) });
  await client.connect(
    /** @type {never} */ ({
      host: endpoint.host,
      port: endpoint.port,
      path: endpoint.httpPath,
      token: endpoint.token,
      customCaCert: endpoint.caCert,
      telemetryEnabled: false,
    }),
  );
  const session = await client.openSession();
  return {
    session,
    close: async () => {
      await session.close();
      await client.close();
    },
  };
}
