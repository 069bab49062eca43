// The fuzz child process: reads mutated workbooks through the public API and reports each case to
// the parent (workbook-reader.fuzz.test.ts), which kills it when a case runs past its bound. Run
// with Node's type transform and ts-hooks.mjs; every import below is a TypeScript source.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { ConnectorError } from '@automl/connector-core';
import { ExcelConnector } from '../../src/index.js';
import { buildZip, type ZipPart } from '../crafted-workbook.js';
import { between, mutateBytes, mutateText, pick, random, type Random } from './mutations.js';

const fixtures = [
  'openpyxl-features.xlsx',
  'libreoffice-features.xlsx',
  'libreoffice-macro.xlsm',
  'openpyxl-1904.xlsx',
  'handmade-inline.xlsx',
  'sheetjs-written.xlsx',
  'truncated.xlsx',
  'encrypted.xlsx',
];

/** The parts of a zip, read with zlib alone (not with the reader under test). */
function unzip(file: Buffer): ZipPart[] {
  const end = file.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end === -1) return [];
  const count = file.readUInt16LE(end + 10);
  let at = file.readUInt32LE(end + 16);
  const parts: ZipPart[] = [];
  for (let i = 0; i < count; i += 1) {
    const method = file.readUInt16LE(at + 10);
    const compressed = file.readUInt32LE(at + 20);
    const nameLength = file.readUInt16LE(at + 28);
    const skip = nameLength + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
    const local = file.readUInt32LE(at + 42);
    const name = file.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28);
    const raw = file.subarray(dataAt, dataAt + compressed);
    parts.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    at += 46 + skip;
  }
  return parts;
}

const files = fixtures.map((name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const unzipped = files.map(unzip).filter((parts) => parts.length > 0);

/** A mutated workbook: its bytes, or its XML parts edited and zipped again. */
function makeCase(rng: Random): { kind: string; file: Buffer } {
  if (rng() < 0.25) {
    let file: Buffer = pick(rng, files);
    for (let edits = between(rng, 1, 3); edits > 0; edits -= 1) file = mutateBytes(rng, file);
    return { kind: 'bytes', file };
  }
  const parts = pick(rng, unzipped).map((part) => ({ ...part }));
  const xml = parts.filter((part) => /\.(xml|rels)$/.test(part.name));
  // Sheets most often: they are what the scanner reads.
  const targets = Array.from({ length: between(rng, 1, 3) }, () =>
    rng() < 0.6 ? (xml.find((part) => part.name.includes('worksheets/') && rng() < 0.5) ?? pick(rng, xml)) : pick(rng, xml),
  );
  for (const part of targets) {
    let text = part.data.toString();
    for (let edits = between(rng, 1, 4); edits > 0; edits -= 1) text = mutateText(rng, text);
    part.data = Buffer.from(text);
    if (rng() < 0.05) part.declaredSize = between(rng, 0, text.length * 2);
  }
  return { kind: `xml:${[...new Set(targets.map((part) => part.name))].join(',')}`, file: buildZip(parts) };
}

function readOptions(rng: Random): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (rng() < 0.4) options.skipBlankRows = false;
  if (rng() < 0.2) options.headerRow = rng() < 0.5 ? false : between(rng, 0, 3);
  if (rng() < 0.2) options.useCols = pick(rng, ['A:C', 'B', 'A,XFD', [0, 2]]);
  if (rng() < 0.2) options.skipRows = between(rng, 0, 5);
  if (rng() < 0.3) options.pageSize = between(rng, 1, 50);
  if (rng() < 0.3) options.maxRows = between(rng, 1, 100);
  return options;
}

async function run(file: Buffer, rng: Random): Promise<string> {
  const connector = new ExcelConnector({ connectionType: 'excel', source: file }, { metricsRegistry: null });
  try {
    const sheets = await connector.listSheets();
    for (const sheet of sheets.slice(0, 3)) {
      await connector.readAll({ table: sheet.name, ...readOptions(rng) });
      if (rng() < 0.2) await connector.describe(sheet.name);
    }
    return 'read';
  } catch (error) {
    // A typed error wrapping a programming error (a TypeError inside the reader) is a bug too.
    const cause = (error as { cause?: unknown }).cause;
    const bug = cause instanceof TypeError || cause instanceof RangeError || cause instanceof ReferenceError || cause instanceof SyntaxError;
    if (ConnectorError.isInstance(error) && !bug) return `${error.name}:${error.code ?? error.kind}`;
    throw bug ? Object.assign(new Error(`${(error as Error).message}`), { stack: `${(error as Error).message}\ncaused by ${(cause as Error).stack}` }) : error;
  } finally {
    await connector.close();
  }
}

const seed = Number(process.env.FUZZ_SEED ?? 20261201);
const cases = Number(process.env.FUZZ_CASES ?? 300);
const seconds = Number(process.env.FUZZ_SECONDS ?? 6);
const only = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
const send = (message: unknown) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

const started = performance.now();
const outcomes: Record<string, number> = {};
let index = only ?? 0;
for (; index < (only === undefined ? cases : only + 1); index += 1) {
  if (only === undefined && performance.now() - started > seconds * 1000) break;
  const rng = random(seed ^ Math.imul(index + 1, 0x9e3779b1));
  const { kind, file } = makeCase(rng);
  await send({ type: 'case', index, kind });
  try {
    const outcome = await run(file, rng);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  } catch (error) {
    await send({ type: 'untyped', index, kind, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
await send({ type: 'end', count: index - (only ?? 0), outcomes });
process.disconnect();
