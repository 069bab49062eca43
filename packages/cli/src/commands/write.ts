import { ConfigError, type Row, type WriteMode, type WriteResult, writeResultOf } from '@automl/connector-core';
import type { CliContext } from '../cli-context.js';
import { Progress } from '../io/progress.js';
import { inputFormatOf, readRows } from '../io/read-input.js';

export interface WriteOptions {
  table?: string;
  mode?: WriteMode;
  key?: string;
  format?: string;
}

const failuresShown = 20;

/**
 * Writes rows from a file (or stdin) and prints what the system now holds of them: created,
 * updated, failed with each failed row's input line and reason. Ctrl-C stops pulling input and
 * reports what landed (exit 130).
 */
export async function writeCommand(context: CliContext, name: string, file: string | undefined, options: WriteOptions): Promise<number> {
  if (options.mode && !['append', 'overwrite', 'upsert'].includes(options.mode)) {
    throw new ConfigError({ message: `Unknown mode "${options.mode}"`, operation: 'write', hint: 'One of: append, overwrite, upsert' });
  }
  const format = inputFormatOf(file, options.format);
  const connector = await context.project.open(name, context.connectorOptions());
  const progress = new Progress(context.output, `writing ${name}`);
  async function* counted(): AsyncGenerator<Row> {
    for await (const row of readRows({ ...(file ? { path: file } : { stdin: process.stdin }) }, format)) {
      yield row;
      progress.add(1);
    }
  }
  try {
    const result = await connector.write(counted(), {
      ...(options.table ? { table: options.table } : {}),
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.key ? { keyColumn: options.key } : {}),
      signal: context.signal,
    });
    progress.end();
    report(context, result);
    return result.failed.length > 0 ? 2 : 0;
  } catch (error) {
    progress.end();
    const partial = writeResultOf(error);
    if (!partial) throw error;
    report(context, partial, context.signal.aborted ? 'interrupted' : 'stopped');
    if (context.signal.aborted) return 130;
    throw error;
  } finally {
    await connector.close();
  }
}

function report(context: CliContext, result: WriteResult, ending?: 'interrupted' | 'stopped'): void {
  if (context.options.json) {
    context.output.out(`${JSON.stringify({ ...(ending ? { status: ending } : {}), ...result }, null, 2)}\n`);
    return;
  }
  const counts = [
    `${result.written} written`,
    ...(result.created !== undefined ? [`${result.created} created`] : []),
    ...(result.updated !== undefined ? [`${result.updated} updated`] : []),
    `${result.failed.length} failed`,
  ];
  context.output.out(
    `${ending === 'interrupted' ? '⚠ interrupted: ' : ending === 'stopped' ? '✗ stopped: ' : '✓ '}${result.received} rows read, ${counts.join(', ')}${result.destination ? ` -> ${result.destination}` : ''}\n`,
  );
  for (const failure of result.failed.slice(0, failuresShown)) {
    context.output.out(`  row ${failure.index + 1}: ${failure.reason}${failure.code ? ` [${failure.code}]` : ''}\n`);
  }
  if (result.failed.length > failuresShown) context.output.out(`  ... and ${result.failed.length - failuresShown} more (--json lists them all)\n`);
  for (const warning of result.warnings ?? []) context.output.out(`  ⚠ ${warning.message} [${warning.code}]\n`);
}
