// @ts-check
// One read of the emulator's `wide` table in a process of its own, so that its peak RSS is its own:
// `connector` reads through DatabricksConnector, `driver` with a plain @databricks/sql fetchChunk
// loop (the baseline). Prints { ms, rows, peakRssMb } as one JSON line. Plain JavaScript, so that
// the process loads no TypeScript stripper (see bench-connector.js).
import { benchConnector } from './bench-connector.js';
import { openPlainDriver } from './plain-driver.js';

const [mode, json] = process.argv.slice(2);
const endpoint = JSON.parse(json ?? '{}');
const pageSize = Number(process.env.PAGE_SIZE ?? 20_000);
let rows = 0;
let pages = 0;
/** MEMLOG=1: the process's memory every 40 pages, on standard error. */
const memlog = (/** @type {string} */ side) => {
  if (!process.env.MEMLOG || pages++ % 40 !== 0) return;
  const m = process.memoryUsage();
  const mb = (/** @type {number} */ bytes) => (bytes / 1048576).toFixed(0);
  process.stderr.write(`${side} rows ${rows} rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} ext ${mb(m.external)}\n`);
};
const started = performance.now();
if (mode === 'connector') {
  const connector = benchConnector(endpoint, { pageSize });
  for await (const page of connector.read({ table: 'wide' })) {
    rows += page.length;
    memlog('connector');
  }
  await connector.close();
} else {
  const driver = await openPlainDriver(endpoint);
  const operation = await driver.session.executeStatement('SELECT * FROM wide', { maxRows: pageSize });
  do {
    const chunk = await operation.fetchChunk({ maxRows: pageSize });
    rows += chunk.length;
    memlog('driver');
  } while (await operation.hasMoreRows());
  await operation.close();
  await driver.close();
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
