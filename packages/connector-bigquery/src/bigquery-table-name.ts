import { ConfigError } from '@automl/connector-core';

export interface TableName {
  projectId: string;
  datasetId: string;
  tableId: string;
}

/** `table` (in the config's dataset), `dataset.table` or `project.dataset.table`, backticks allowed. */
export function resolveTableName(name: string | undefined, defaults: { projectId: string; datasetId?: string }): TableName {
  if (!name)
    throw new ConfigError({
      message: 'A table is required',
      connector: 'bigquery',
      operation: 'read',
      hint: 'Pass { table: "dataset.table" } or set datasetId and pass the table name.',
    });
  const parts = name.replace(/^`|`$/g, '').split('.');
  if (parts.length === 3) return { projectId: parts[0]!, datasetId: parts[1]!, tableId: parts[2]! };
  if (parts.length === 2) return { projectId: defaults.projectId, datasetId: parts[0]!, tableId: parts[1]! };
  if (parts.length === 1 && defaults.datasetId) return { projectId: defaults.projectId, datasetId: defaults.datasetId, tableId: parts[0]! };
  throw new ConfigError({
    message: `Cannot tell the dataset of table "${name}"`,
    connector: 'bigquery',
    operation: 'read',
    hint: 'Set datasetId in the config, or name the table as dataset.table.',
  });
}

/** The GoogleSQL path of a table, quoted: `project.dataset.table`. */
export function sqlPath(table: TableName): string {
  return `\`${table.projectId}.${table.datasetId}.${table.tableId}\``;
}

/** A GoogleSQL identifier, quoted. */
export function sqlIdent(name: string): string {
  return `\`${name.replaceAll('`', '\\`')}\``;
}
