import type { ConnectorCapabilities } from './capabilities.js';
import type { ConnectionTestResult, ReadRequest, RowsInput, WriteRequest, WriteResult } from './requests.js';
import type { Row, TableSchema } from './row.js';

/**
 * The version of this contract. A connector carries the version it was built for, and
 * `createConnector` refuses one built for another with a clear error instead of failing later.
 */
export const connectorSpecificationVersion = 2;

/** The one contract every connector implements. Connect is lazy: any method connects on first use. */
export interface Connector extends AsyncDisposable {
  /** The connection type, e.g. `excel`, `hubspot`. */
  readonly id: string;
  readonly specificationVersion: typeof connectorSpecificationVersion;
  readonly capabilities: ConnectorCapabilities;
  connect(): Promise<void>;
  testConnection(): Promise<ConnectionTestResult>;
  listTables(): Promise<string[]>;
  describe(table?: string): Promise<TableSchema>;
  /** Pages of rows with bounded memory: the next page is fetched only when the consumer asks. */
  read(request?: ReadRequest): AsyncIterable<Row[]>;
  /** All rows, stopping at `request.maxRows` or the config's `maxRows`. */
  readAll(request?: ReadRequest): Promise<Row[]>;
  write(rows: RowsInput, request?: WriteRequest): Promise<WriteResult>;
  /** Releases clients and handles; safe to call twice. */
  close(): Promise<void>;
}
