/** A cell value as connectors exchange it: plain JSON scalars, dates, or nested JSON (MongoDB, CRM). */
export type Value = string | number | boolean | Date | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One record: column name to value. Rows are plain objects so they serialise and compare easily. */
export type Row = Record<string, Value | undefined>;

/** The column types `describe()` reports, portable across systems. */
export type ColumnType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime' | 'json' | 'unknown';

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  /** The type as the source system names it (`NUMERIC`, `phone_number`, `s` for an Excel shared string...). */
  sourceType?: string;
  nullable?: boolean;
}

export interface TableSchema {
  table: string;
  columns: ColumnSchema[];
  /** Row count when the system reports it cheaply; undefined otherwise (never a full scan). */
  rowCount?: number;
  /** Stored size in bytes when the system reports it (BigQuery table metadata): what a full scan would bill. */
  sizeBytes?: number;
}
