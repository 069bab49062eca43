import { DuckDBTypeId, type DuckDBDecimalType, type DuckDBType } from '@duckdb/node-api';

/** TTypeId values of TCLIService (the driver's thrift/TCLIService_types). */
export const TTypeId = {
  BOOLEAN: 0,
  TINYINT: 1,
  SMALLINT: 2,
  INT: 3,
  BIGINT: 4,
  FLOAT: 5,
  DOUBLE: 6,
  STRING: 7,
  TIMESTAMP: 8,
  BINARY: 9,
  MAP: 11,
  DECIMAL: 15,
  NULL: 16,
  DATE: 17,
} as const;

/**
 * One column of a chunk: DuckDB's own typed array where the wire type is a plain number array
 * (integers, doubles, DATE days, TIMESTAMP microseconds), its values otherwise, with a validity mask.
 */
export interface ColumnValues {
  values: ArrayLike<unknown> & { slice(start: number, end: number): ArrayLike<unknown> };
  /** 1 where the row has a value; undefined when none is null. */
  valid?: Uint8Array;
}

/** One result column: its name, its Databricks type, and how the encoders lay it out. */
export interface ResultColumn {
  name: string;
  /** Databricks' SQL name: `BIGINT`, `DECIMAL(38,6)`, `STRING`, `TIMESTAMP`. */
  sqlName: string;
  typeId: number;
  precision?: number;
  scale?: number;
  /** What the DuckDB value is turned into on the wire. */
  layout: 'boolean' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'decimal' | 'string' | 'binary' | 'date' | 'timestamp';
}

/** Databricks' view of a DuckDB column type. Types Databricks has no direct match for travel as STRING. */
export function resultColumn(name: string, type: DuckDBType): ResultColumn {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { name, sqlName: 'BOOLEAN', typeId: TTypeId.BOOLEAN, layout: 'boolean' };
    case DuckDBTypeId.TINYINT:
      return { name, sqlName: 'TINYINT', typeId: TTypeId.TINYINT, layout: 'int8' };
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return { name, sqlName: 'SMALLINT', typeId: TTypeId.SMALLINT, layout: 'int16' };
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return { name, sqlName: 'INT', typeId: TTypeId.INT, layout: 'int32' };
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return { name, sqlName: 'BIGINT', typeId: TTypeId.BIGINT, layout: 'int64' };
    case DuckDBTypeId.FLOAT:
      return { name, sqlName: 'FLOAT', typeId: TTypeId.FLOAT, layout: 'float32' };
    case DuckDBTypeId.DOUBLE:
      return { name, sqlName: 'DOUBLE', typeId: TTypeId.DOUBLE, layout: 'float64' };
    case DuckDBTypeId.DECIMAL: {
      const { width, scale } = type as DuckDBDecimalType;
      return { name, sqlName: `DECIMAL(${width},${scale})`, typeId: TTypeId.DECIMAL, precision: width, scale, layout: 'decimal' };
    }
    case DuckDBTypeId.BLOB:
      return { name, sqlName: 'BINARY', typeId: TTypeId.BINARY, layout: 'binary' };
    case DuckDBTypeId.DATE:
      return { name, sqlName: 'DATE', typeId: TTypeId.DATE, layout: 'date' };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { name, sqlName: 'TIMESTAMP', typeId: TTypeId.TIMESTAMP, layout: 'timestamp' };
    default:
      return { name, sqlName: 'STRING', typeId: TTypeId.STRING, layout: 'string' };
  }
}

/** The Hive schema (TTableSchema) the driver reads beside every result. */
export function tableSchema(columns: ResultColumn[]) {
  return {
    columns: columns.map((column, index) => ({
      columnName: column.name,
      position: index + 1,
      typeDesc: {
        types: [
          {
            primitiveEntry: {
              type: column.typeId,
              ...(column.layout === 'decimal'
                ? { typeQualifiers: { qualifiers: { precision: { i32Value: column.precision }, scale: { i32Value: column.scale } } } }
                : {}),
            },
          },
        ],
      },
    })),
  };
}
