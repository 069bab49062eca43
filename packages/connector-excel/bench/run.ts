// pnpm bench: our reader against SheetJS and exceljs, each measured reader in its own child
// process so that peak RSS (process.resourceUsage().maxRSS) belongs to that reader alone.
// Runs under Node's type stripping: erasable TypeScript only, imports from ../dist.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExcelConnector } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '..', '.bench-data');
const wide = join(dataDir, 'rows-100k-cols-20.xlsx');
const tall = join(dataDir, 'rows-1m-cols-20.xlsx');

type Row = Record<string, string | number | boolean | Date | null>;

const cities = ['Berlin', 'Paris', 'Madrid', 'Rome', 'Vienna', 'Lisbon', 'Dublin', 'Oslo', 'Prague', 'Warsaw', 'Zürich', 'Athens'];
const segments = ['enterprise', 'mid-market', 'smb', 'consumer', 'public'];
const statuses = ['open', 'won', 'lost', 'stalled', 'qualified', 'new', 'churned'];

/** A realistic mix: 5 string columns (one high-cardinality), 8 numbers, 4 dates, 3 booleans. */
function makeRow(i: number): Row {
  const day = Date.UTC(2015, 0, 1) + (i % 3650) * 86_400_000;
  return {
    id: i + 1,
    customer: `customer-${(i * 7919) % 100_000}@example.com`,
    city: cities[i % cities.length]!,
    segment: segments[i % segments.length]!,
    status: statuses[(i * 13) % statuses.length]!,
    product: `SKU-${(i * 31) % 1000}`,
    amount: Math.round(((i * 9301 + 49297) % 233280) / 2.33) / 100,
    quantity: (i % 50) + 1,
    discount: (i % 7) / 20,
    score: ((i * 2654435761) % 1000) / 1000,
    visits: (i * 17) % 400,
    tenure_months: i % 120,
    latitude: 40 + (i % 1000) / 100,
    longitude: -3 + (i % 777) / 77,
    signup_date: new Date(day),
    last_order: new Date(day + (i % 86_400) * 1000),
    renewal_date: new Date(day + 365 * 86_400_000),
    first_contact: new Date(day - (i % 500) * 3_600_000),
    active: i % 3 !== 0,
    newsletter: i % 2 === 0,
    churned: i % 11 === 0,
  };
}

async function* generateRows(count: number): AsyncGenerator<Row> {
  for (let i = 0; i < count; i += 1) {
    const row = makeRow(i);
    delete row.churned; // 20 columns
    yield row;
  }
}

/**
 * Writes the data files, each in a process of its own: Linux keeps a process's peak RSS across
 * exec, so children spawned from a parent that had just written 1M rows all reported its peak.
 */
function ensureData(): void {
  mkdirSync(dataDir, { recursive: true });
  for (const [path, count] of [
    [wide, 100_000],
    [tall, 1_000_000],
  ] as const) {
    if (existsSync(path)) continue;
    const started = performance.now();
    process.stdout.write(`generating ${path} (${count} rows)... `);
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--generate', path, String(count)], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (child.status !== 0) throw new Error(`generating ${path} failed`);
    console.log(`${((performance.now() - started) / 1000).toFixed(1)} s, ${(statSync(path).size / 1e6).toFixed(1)} MB`);
  }
}

async function generate(path: string, count: number): Promise<void> {
  await new ExcelConnector({ connectionType: 'excel' }).writeExcel(generateRows(count), { path, sheetName: 'Data' });
}

/** The measured tasks; each runs in a child process. Returns rows handled. */
const tasks: Record<string, () => Promise<number>> = {
  async 'ours-read-100k'() {
    const connector = new ExcelConnector({ connectionType: 'excel', filePath: wide });
    const rows = await connector.readAll();
    await connector.close();
    return rows.length;
  },
  async 'sheetjs-read-100k'() {
    const XLSX = createRequire(import.meta.url)('xlsx');
    const workbook = XLSX.readFile(wide, { cellDates: true });
    const rows = XLSX.utils.sheet_to_json(workbook.Sheets[workbook.SheetNames[0]], { raw: true, defval: null });
    return rows.length;
  },
  async 'exceljs-stream-read-100k'() {
    return exceljsStreamCount(wide);
  },
  async 'ours-stream-1m'() {
    const connector = new ExcelConnector({ connectionType: 'excel', filePath: tall });
    let count = 0;
    for await (const page of connector.read()) count += page.length;
    await connector.close();
    return count;
  },
  async 'exceljs-stream-read-1m'() {
    return exceljsStreamCount(tall);
  },
  async 'ours-write-100k'() {
    const path = join(dataDir, 'write-ours.xlsx');
    await new ExcelConnector({ connectionType: 'excel' }).writeExcel(generateRows(100_000), { path, sheetName: 'Data' });
    rmSync(path);
    return 100_000;
  },
  async 'exceljs-write-100k'() {
    const path = join(dataDir, 'write-exceljs.xlsx');
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Data');
    let first = true;
    for await (const row of generateRows(100_000)) {
      if (first) sheet.addRow(Object.keys(row));
      first = false;
      sheet.addRow(Object.values(row));
    }
    await workbook.xlsx.writeFile(path);
    rmSync(path);
    return 100_000;
  },
};

/** exceljs's streaming reader, as its documentation shows it: rows counted, values not converted. */
async function exceljsStreamCount(path: string): Promise<number> {
  // Imported here, not at the top: each child process loads only the library it measures.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit' });
  let count = 0;
  for await (const worksheet of reader) {
    for await (const _row of worksheet) count += 1;
  }
  return count - 1;
}

interface Measure {
  task: string;
  seconds: number;
  /** User + system CPU time of the child (its threads included): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  peakRssMb: number;
  rows: number;
}

function runChild(task: string): Measure {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', task], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`${task} failed: ${child.stderr || child.stdout}`);
  return JSON.parse(line) as Measure;
}

async function child(task: string): Promise<void> {
  const run = tasks[task];
  if (!run) throw new Error(`unknown task ${task}`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const rows = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const peakRssMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  console.log(JSON.stringify({ task, seconds, cpuSeconds, peakRssMb, rows }));
}

async function main(): Promise<void> {
  ensureData();
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const names = only.length > 0 ? only : Object.keys(tasks);
  const results = new Map<string, Measure>();
  for (const name of names) {
    const measure = runChild(name);
    results.set(name, measure);
    console.log(
      `${name.padEnd(26)} ${measure.seconds.toFixed(2).padStart(7)} s  ${measure.cpuSeconds.toFixed(2).padStart(7)} s CPU  ${measure.peakRssMb.toFixed(0).padStart(5)} MB peak RSS  ${measure.rows} rows`,
    );
  }
  const ratio = (a: string, b: string) => {
    const x = results.get(a);
    const y = results.get(b);
    return x && y ? `${(y.seconds / x.seconds).toFixed(2)}x (CPU time: ${(y.cpuSeconds / x.cpuSeconds).toFixed(2)}x)` : 'n/a';
  };
  console.log('');
  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
  console.log(`read 100k x 20, ours vs SheetJS:           ${ratio('ours-read-100k', 'sheetjs-read-100k')} faster (target >= 1.5x)`);
  console.log(`read 100k x 20, ours vs exceljs stream:    ${ratio('ours-read-100k', 'exceljs-stream-read-100k')} faster`);
  console.log(
    `stream 1M rows, ours vs exceljs stream:    ${ratio('ours-stream-1m', 'exceljs-stream-read-1m')} faster; ours peak RSS ${results.get('ours-stream-1m')?.peakRssMb.toFixed(0) ?? 'n/a'} MB (target < 256 MB)`,
  );
  console.log(`write 100k x 20, ours vs exceljs Workbook: ${ratio('ours-write-100k', 'exceljs-write-100k')} faster`);
}

const childIndex = process.argv.indexOf('--child');
const generateIndex = process.argv.indexOf('--generate');
if (childIndex !== -1) await child(process.argv[childIndex + 1] ?? '');
else if (generateIndex !== -1) await generate(process.argv[generateIndex + 1]!, Number(process.argv[generateIndex + 2]));
else await main();
