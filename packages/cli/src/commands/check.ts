import { type CliContext, describeError } from '../cli-context.js';

export interface CheckResult {
  name: string;
  connectionType: string;
  status: 'ok' | 'skipped' | 'failed';
  identity?: string;
  latencyMs?: number;
  tables?: number;
  sample?: { table: string; rows: number };
  missing?: string[];
  error?: { name: string; message: string; hint?: string };
}

/**
 * The specification's "Test des Connecteurs" script for every configured connection: connect,
 * testConnection (identity, latency), listTables, read a few rows; skipped when no credentials are
 * configured (naming the variable to set). Exit code 1 when any failed.
 */
export async function checkConnections(context: CliContext, names: string[]): Promise<number> {
  const selected = names.length > 0 ? names : context.project.names();
  for (const warning of context.project.warnings()) context.output.err(`⚠ ${warning}\n`);
  if (selected.length === 0) {
    context.output.err(`No connections in ${context.project.path}. Add one: automl-connectors connections add <type> <name> --set key=value\n`);
    return 1;
  }
  const results: CheckResult[] = [];
  for (const name of selected) {
    results.push(await checkOne(context, name));
    if (!context.options.json) context.output.out(`${line(results.at(-1) as CheckResult)}\n`);
  }
  if (context.options.json) context.output.out(`${JSON.stringify(results, null, 2)}\n`);
  return results.some((result) => result.status === 'failed') ? 1 : 0;
}

async function checkOne(context: CliContext, name: string): Promise<CheckResult> {
  let connectionType = 'unknown';
  try {
    const resolved = context.project.resolve(name);
    connectionType = resolved.connectionType;
    if (resolved.missingCredentials.length > 0) return { name, connectionType, status: 'skipped', missing: resolved.missingCredentials };
    const connector = await context.project.open(name, context.connectorOptions());
    try {
      const test = await connector.testConnection();
      if (!test.ok) return { name, connectionType, status: 'failed', latencyMs: test.latencyMs, ...(test.error ? { error: test.error } : {}) };
      const tables = await connector.listTables();
      const result: CheckResult = {
        name,
        connectionType,
        status: 'ok',
        latencyMs: Math.round(test.latencyMs),
        tables: tables.length,
        ...(test.identity ? { identity: test.identity } : {}),
      };
      const first = tables[0];
      if (first !== undefined) result.sample = { table: first, rows: (await connector.readAll({ table: first, maxRows: 5 })).length };
      return result;
    } finally {
      await connector.close();
    }
  } catch (error) {
    const typed = error as { name?: string; message?: string; hint?: string };
    return {
      name,
      connectionType,
      status: 'failed',
      error: {
        name: typed.name ?? 'Error',
        message: describeError(error).replace(/^✗ /, '').split('\n')[0] ?? '',
        ...(typed.hint ? { hint: typed.hint } : {}),
      },
    };
  }
}

function line(result: CheckResult): string {
  const label = `${result.name} (${result.connectionType})`;
  if (result.status === 'skipped') return `⚠ ${label} skipped: no credentials (set ${result.missing?.join(' or ')})`;
  if (result.status === 'failed') return `✗ ${label}: ${result.error?.message ?? 'failed'}${result.error?.hint ? `\n    hint: ${result.error.hint}` : ''}`;
  const sample = result.sample ? `; read ${result.sample.rows} rows from ${result.sample.table}` : '';
  return `✓ ${label}${result.identity ? ` as ${result.identity}` : ''}, ${result.latencyMs} ms; ${result.tables} tables${sample}`;
}
