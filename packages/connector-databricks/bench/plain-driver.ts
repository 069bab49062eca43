// The benchmarks' baseline: the plain @databricks/sql driver opened on the emulator the way a user
// would (telemetry off, the emulator's CA), with nothing of the connector in between.
import { DBSQLClient } from '@databricks/sql';

export interface EmulatorEndpoint {
  host: string;
  port: number;
  httpPath: string;
  token: string;
  caCert: string;
}

/** A session of the plain driver; `close()` ends the session and the client. */
export async function openPlainDriver(endpoint: EmulatorEndpoint) {
  const client = new DBSQLClient({ logger: { log: () => undefined } as never });
  await client.connect({
    host: endpoint.host,
    port: endpoint.port,
    path: endpoint.httpPath,
    token: endpoint.token,
    customCaCert: endpoint.caCert,
    telemetryEnabled: false,
  } as never);
  const session = await client.openSession();
  return {
    session,
    close: async () => {
      await session.close();
      await client.close();
    },
  };
}
