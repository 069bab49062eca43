// BigQuery v2 REST (and the Storage Read API) on an embedded DuckDB: `@automl/sandbox/bigquery`
export { createBigQueryEmulator, parseTableName, type BigQueryEmulator, type BigQueryEmulatorOptions } from './bigquery-emulator.js';
export { bigQueryError, bigQueryFault, reasonStatus, type BigQueryReason, type ErrorProto } from './bigquery-errors.js';
export { legacyType, normalizeSchema, type TableFieldSchema, type TableSchema } from './bigquery-schema.js';
export { rewriteGoogleSql, type QueryParameter } from './bigquery-sql.js';
export { BigQueryWarehouse, type TableRef } from './bigquery-warehouse.js';
export type { JobState } from './bigquery-context.js';
export type { ServiceAccountKey } from '../google/google-service-accounts.js';
