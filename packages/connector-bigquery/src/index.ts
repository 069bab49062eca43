export { BIGQUERY_SCOPE, BigQueryConnector, type BigQueryConnectorOptions, createConnector, DEFAULT_PAGE_SIZE } from './bigquery-connector.js';
export { bigQueryErrorClassifier, reasonOf } from './bigquery-errors.js';
export { deterministicJobId, SEQUENCE_COLUMN } from './bigquery-load-writer.js';
export { columnTypeOf, convertRow, type BigQueryField } from './convert-bigquery-row.js';
export { resolveTableName, type TableName } from './bigquery-table-name.js';
