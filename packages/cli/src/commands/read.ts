import { createWriteStream, type WriteStream } from 'node:fs';
import { ConfigError, createConnector, type ReadRequest, type Row } from '@automl/connector-core';
import type { CliContext } from '../cli-context.js';
import { columnsOf, formatRows, type OutputFormat, outputFormats } from '../io/format-rows.js';
import { Progress } from '../io/progress.js';

export interface ReadOptions {
  table?: string;
  query?: string;
  limit?: number;
  format: OutputFormat;
  out?: string;
}

/** A terminal table holds what it shows: without --limit it shows the first 100 rows. */
const tableDefaultLimit = 100;

export async function readCommand(context: CliContext, name: string, options: ReadOptions): Promise<number> {
  if (!outputFormats.includes(options.format)) {
    throw new ConfigError({ message: `Unknown format "${options.format}"`, operation: 'read', hint: `One of: ${outputFormats.join(', ')}` });
  }
  if (options.table && options.query) throw new ConfigError({ message: 'Give --table or --query, not both', operation: 'read' });
  if (options.format === 'xlsx' && !options.out) throw new ConfigError({ message: '--format xlsx needs --out <file.xlsx>', operation: 'read' });
  const limit = options.limit ?? (options.format === 'table' ? tableDefaultLimit : undefined);
  const request: ReadRequest = {
    ...(options.table ? { table: options.table } : {}),
    ...(options.query ? { query: options.query } : {}),
    ...(limit !== undefined ? { maxRows: limit } : {}),
    signal: context.signal,
  };
  const connector = await context.project.open(name, context.connectorOptions());
  const progress = new Progress(context.output, `reading ${name}`, limit);
  try {
    if (options.format === 'xlsx' || options.format === 'table') {
      const rows = await collect(connector.read(request), progress);
      if (options.format === 'xlsx') await writeWorkbook(options.out as string, rows);
      else emit(context, options.out, formatRows(rows, 'table'));
      context.output.err(`${rows.length} rows\n`);
      return 0;
    }
    // Streamed page by page: a large read never sits in memory whole.
    const sink = options.out ? createWriteStream(options.out) : undefined;
    let count = 0;
    let columns: string[] | undefined;
    const write = (text: string) => (sink ? sink.write(text) : context.output.out(text));
    if (options.format === 'json') write('[');
    for await (const page of connector.read(request)) {
      progress.add(page.length);
      if (options.format === 'csv') {
        const first = columns === undefined;
        columns ??= columnsOf(page);
        const text = formatRows(
          page.map((row) => Object.fromEntries((columns as string[]).map((column) => [column, row[column] ?? null]))),
          'csv',
        );
        write(first ? text : text.slice(text.indexOf('\n') + 1));
      } else if (options.format === 'json') {
        write(page.map((row, index) => `${count + index === 0 ? '\n' : ',\n'}  ${JSON.stringify(row)}`).join(''));
      } else write(formatRows(page, 'ndjson'));
      count += page.length;
    }
    if (options.format === 'json') write(count > 0 ? '\n]\n' : ']\n');
    await closeSink(sink);
    progress.end();
    context.output.err(`${count} rows\n`);
    return 0;
  } finally {
    await connector.close();
  }
}

async function collect(pages: AsyncIterable<Row[]>, progress: Progress): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const page of pages) {
    for (const row of page) rows.push(row);
    progress.add(page.length);
  }
  progress.end();
  return rows;
}

function emit(context: CliContext, out: string | undefined, text: string): void {
  if (!out) context.output.out(text);
  else createWriteStream(out).end(text);
}

function closeSink(sink: WriteStream | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!sink) return resolve();
    sink.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

async function writeWorkbook(path: string, rows: Row[]): Promise<void> {
  const excel = await createConnector({ connectionType: 'excel', filePath: path });
  try {
    await excel.write(rows, { mode: 'overwrite' });
  } finally {
    await excel.close();
  }
}
