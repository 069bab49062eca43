import type { CliContext } from '../cli-context.js';
import { formatSchema } from '../io/format-rows.js';

export async function listTables(context: CliContext, name: string): Promise<number> {
  const connector = await context.project.open(name, context.connectorOptions());
  try {
    const tables = await connector.listTables();
    context.output.out(context.options.json ? `${JSON.stringify(tables)}\n` : tables.map((table) => `${table}\n`).join(''));
    return 0;
  } finally {
    await connector.close();
  }
}

export async function describeTable(context: CliContext, name: string, table: string): Promise<number> {
  const connector = await context.project.open(name, context.connectorOptions());
  try {
    const schema = await connector.describe(table);
    context.output.out(context.options.json ? `${JSON.stringify(schema, null, 2)}\n` : formatSchema(schema));
    return 0;
  } finally {
    await connector.close();
  }
}
