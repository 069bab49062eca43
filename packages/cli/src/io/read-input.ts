import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ConfigError, createConnector, DataError, type Row } from '@automl/connector-core';
import { parse } from 'csv-parse';

export type InputFormat = 'csv' | 'ndjson' | 'json' | 'xlsx';

export function inputFormatOf(path: string | undefined, explicit?: string): InputFormat {
  const format = (explicit ?? path?.split('.').pop() ?? 'ndjson').toLowerCase();
  if (format === 'csv' || format === 'ndjson' || format === 'json' || format === 'xlsx') return format;
  if (format === 'jsonl') return 'ndjson';
  throw new ConfigError({ message: `Unknown input format "${format}"`, operation: 'write', hint: 'Use a .csv, .ndjson, .json or .xlsx file, or --format.' });
}

/** Numbers and booleans from CSV text, as a spreadsheet would read them; everything else stays text. */
function typedCell(text: string): Row[string] {
  if (text === '') return null;
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/**
 * The rows of an input, streamed (a large CSV or NDJSON never sits in memory whole). A line that is
 * not a JSON object is yielded as-is so the write loop reports it as a failed row with its index.
 */
export async function* readRows(source: { path?: string; stdin?: Readable }, format: InputFormat): AsyncGenerator<Row> {
  if (format === 'xlsx') {
    if (!source.path) throw new ConfigError({ message: 'An .xlsx input must be a file, not stdin', operation: 'write', hint: 'Pass the file path.' });
    const excel = await createConnector({ connectionType: 'excel', filePath: source.path });
    try {
      for await (const page of excel.read()) yield* page;
    } finally {
      await excel.close();
    }
    return;
  }
  const stream = source.path ? createReadStream(source.path) : (source.stdin as Readable);
  if (format === 'csv') {
    const parser = stream.pipe(parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, cast: (value) => typedCell(value) }));
    for await (const record of parser) yield record as Row;
    return;
  }
  if (format === 'json') {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      throw new DataError({
        message: `The input is not valid JSON: ${(error as Error).message}`,
        operation: 'write',
        hint: 'Give an array of objects, or use NDJSON for large inputs.',
      });
    }
    if (!Array.isArray(parsed)) throw new DataError({ message: 'The JSON input must be an array of rows', operation: 'write' });
    yield* parsed as Row[];
    return;
  }
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as Row;
    } catch {
      yield line as unknown as Row;
    }
  }
}
