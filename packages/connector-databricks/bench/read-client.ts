// One read of the emulator's `wide` table in a process of its own, so that its peak RSS is its own:
// `connector` reads through DatabricksConnector, `driver` with a plain @databricks/sql fetchChunk
// loop (the baseline). Prints { ms, rows, peakRssMb } as one JSON line.
import { DBSQLClient } from '@databricks/sql';
import { DatabricksConnector } from '../dist/index.js';

const [mode, json] = process.argv.slice(2);
const endpoint = JSON.parse(json ?? '{}') as { host: string; port: number; httpPath: string; token: string; caCert: string; env: { DATABRICKS_HOST: string } };
const pageSize = 20_000;
let rows = 0;
const started = performance.now();
if (mode === 'connector') {
  const connector = new DatabricksConnector(
    {
      connectionType: 'databricks',
      host: endpoint.env.DATABRICKS_HOST,
      httpPath: endpoint.httpPath,
      token: endpoint.token,
      caCert: endpoint.caCert,
      requestsPerMinute: 0,
      pageSize,
    },
    { environment: false, metricsRegistry: null },
  );
  for await (const page of connector.read({ table: 'wide' })) rows += page.length;
  await connector.close();
} else {
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
  const operation = await session.executeStatement('SELECT * FROM wide', { maxRows: pageSize });
  do {
    const chunk = await operation.fetchChunk({ maxRows: pageSize });
    rows += chunk.length;
  } while (await operation.hasMoreRows());
  await operation.close();
  await session.close();
  await client.close();
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
