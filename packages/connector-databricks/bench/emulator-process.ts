// The Databricks emulator in a process of its own, for the read comparison: its work (DuckDB,
// Arrow encoding) then runs beside the client's instead of inside its event loop, and the client's
// peak memory is the client's alone. Builds a table of `rows` x 20 columns, prints the endpoint as
// one JSON line, then serves until its standard input closes. CLOUD_FETCH=1 serves results as
// CloudFetch files, as warehouses do for large results to the driver's default client.
import { createDatabricksEmulator } from '@automl/sandbox/databricks';

const rows = Number(process.argv[2] ?? 1_000_000);
const latencyMs = Number(process.argv[3] ?? 0);
const emulator = createDatabricksEmulator({ cloudFetch: process.env.CLOUD_FETCH === '1' });
const endpoint = await emulator.start();
const columns = Array.from({ length: 20 }, (_, index) => {
  switch (index % 5) {
    case 0:
      return `range + ${index} AS c${index}`;
    case 1:
      return `(range * ${index}) / 7.0 AS c${index}`;
    case 2:
      return `'value ' || (range % 1000) AS c${index}`;
    case 3:
      return `TIMESTAMP '2024-01-01' + INTERVAL (range % 100000) SECOND AS c${index}`;
    default:
      return `range % 2 = 0 AS c${index}`;
  }
});
await emulator.sql(`CREATE TABLE uc_main."default".wide AS SELECT range AS id, ${columns.slice(1).join(', ')} FROM range(${rows})`);
// A warehouse's round trip: every statement and every FetchResults waits `latencyMs` before answering.
emulator.setStatementLatency(latencyMs);
if (latencyMs > 0) emulator.faults.inject({ route: 'FetchResults', fault: { kind: 'latency', ms: latencyMs } });
process.stdout.write(`${JSON.stringify(endpoint)}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void emulator.stop().then(() => process.exit(0));
});
