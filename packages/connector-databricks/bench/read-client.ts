// One read of the emulator's `wide` table in a process of its own, so that its peak RSS is its own:
// `connector` reads through DatabricksConnector, `driver` with a plain @databricks/sql fetchChunk
// loop (the baseline). Prints { ms, rows, peakRssMb } as one JSON line.
import { benchConnector } from './bench-connector.ts';
import { openPlainDriver } from './plain-driver.ts';

const [mode, json] = process.argv.slice(2);
const endpoint = JSON.parse(json ?? '{}') as { host: string; port: number; httpPath: string; token: string; caCert: string; env: { DATABRICKS_HOST: string } };
const pageSize = Number(process.env.PAGE_SIZE ?? 20_000);
let rows = 0;
const started = performance.now();
if (mode === 'connector') {
  const connector = benchConnector(endpoint, { pageSize });
  let pages = 0;
  for await (const page of connector.read({ table: 'wide' })) {
    rows += page.length;
    if (process.env.MEMLOG && pages++ % 40 === 0) {
      const m = process.memoryUsage();
      process.stderr.write(
        `connector rows ${rows} rss ${(m.rss / 1048576).toFixed(0)} heapUsed ${(m.heapUsed / 1048576).toFixed(0)} heapTotal ${(m.heapTotal / 1048576).toFixed(0)} ext ${(m.external / 1048576).toFixed(0)}\n`,
      );
    }
  }
  await connector.close();
} else {
  const driver = await openPlainDriver(endpoint);
  const session = driver.session;
  const operation = await session.executeStatement('SELECT * FROM wide', { maxRows: pageSize });
  do {
    const chunk = await operation.fetchChunk({ maxRows: pageSize });
    rows += chunk.length;
    if (process.env.MEMLOG && (rows / pageSize) % 40 === 1) {
      const m = process.memoryUsage();
      process.stderr.write(
        `driver rows ${rows} rss ${(m.rss / 1048576).toFixed(0)} heapUsed ${(m.heapUsed / 1048576).toFixed(0)} heapTotal ${(m.heapTotal / 1048576).toFixed(0)} ext ${(m.external / 1048576).toFixed(0)}\n`,
      );
    }
  } while (await operation.hasMoreRows());
  await operation.close();
  await driver.close();
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
