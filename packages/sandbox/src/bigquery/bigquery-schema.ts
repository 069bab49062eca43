import { type DuckDBListType, type DuckDBStructType, type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';

/** A BigQuery `TableFieldSchema` as the REST API carries it. */
export interface TableFieldSchema {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: TableFieldSchema[];
  description?: string;
}

export interface TableSchema {
  fields: TableFieldSchema[];
}

/**
 * The API answers with the legacy type names (INTEGER, FLOAT, BOOLEAN, RECORD) whatever spelling
 * created the column, and accepts both spellings on input.
 */
const legacyNames: Record<string, string> = {
  INT64: 'INTEGER',
  INTEGER: 'INTEGER',
  FLOAT64: 'FLOAT',
  FLOAT: 'FLOAT',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  STRUCT: 'RECORD',
  RECORD: 'RECORD',
  NUMERIC: 'NUMERIC',
  DECIMAL: 'NUMERIC',
  BIGNUMERIC: 'BIGNUMERIC',
  BIGDECIMAL: 'BIGNUMERIC',
  STRING: 'STRING',
  BYTES: 'BYTES',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP',
  GEOGRAPHY: 'GEOGRAPHY',
  JSON: 'JSON',
};

/** The legacy type name of a field type, or undefined for a type BigQuery does not have. */
export function legacyType(type: string): string | undefined {
  return legacyNames[type.toUpperCase()];
}

/** A schema with every type in its legacy spelling and every mode explicit, as tables.get returns it. */
export function normalizeSchema(fields: TableFieldSchema[]): TableFieldSchema[] {
  return fields.map((field) => {
    const type = legacyType(field.type);
    if (!type) throw new Error(`Invalid value for type: ${field.type} is not a valid value`);
    const normalized: TableFieldSchema = { name: field.name, type, mode: field.mode ?? 'NULLABLE' };
    if (field.description !== undefined) normalized.description = field.description;
    if (type === 'RECORD') normalized.fields = normalizeSchema(field.fields ?? []);
    return normalized;
  });
}

/** Quotes an identifier for DuckDB. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The DuckDB column type that stores a BigQuery field. GEOGRAPHY (as WKT) and BIGNUMERIC (wider
 * than DuckDB's DECIMAL(38)) are kept as text; the table's declared schema says what they are.
 */
export function duckTypeOf(field: TableFieldSchema): string {
  const base = duckScalarType(field);
  return field.mode === 'REPEATED' ? `${base}[]` : base;
}

function duckScalarType(field: TableFieldSchema): string {
  switch (legacyType(field.type)) {
    case 'INTEGER':
      return 'BIGINT';
    case 'FLOAT':
      return 'DOUBLE';
    case 'NUMERIC':
      return 'DECIMAL(38,9)';
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'BYTES':
      return 'BLOB';
    case 'DATE':
      return 'DATE';
    case 'DATETIME':
      return 'TIMESTAMP';
    case 'TIME':
      return 'TIME';
    case 'TIMESTAMP':
      return 'TIMESTAMPTZ';
    case 'JSON':
      return 'JSON';
    case 'RECORD':
      return `STRUCT(${(field.fields ?? []).map((child) => `${quoteIdent(child.name)} ${duckTypeOf(child)}`).join(', ')})`;
    default:
      // STRING, GEOGRAPHY, BIGNUMERIC
      return 'VARCHAR';
  }
}

/** The BigQuery field a DuckDB result column maps to (query results, tables made by SQL). */
export function fieldFromDuckType(name: string, type: DuckDBType): TableFieldSchema {
  if (type.typeId === DuckDBTypeId.LIST || type.typeId === DuckDBTypeId.ARRAY) {
    const item = fieldFromDuckType(name, (type as DuckDBListType).valueType);
    return { ...item, mode: 'REPEATED' };
  }
  if (type.typeId === DuckDBTypeId.STRUCT) {
    const struct = type as DuckDBStructType;
    return {
      name,
      type: 'RECORD',
      mode: 'NULLABLE',
      fields: struct.entryNames.map((child, index) => fieldFromDuckType(child, struct.entryTypes[index]!)),
    };
  }
  return { name, type: scalarFromDuck(type), mode: 'NULLABLE' };
}

function scalarFromDuck(type: DuckDBType): string {
  if (type.alias === 'JSON') return 'JSON';
  switch (type.typeId) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
      return 'INTEGER';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return 'FLOAT';
    case DuckDBTypeId.DECIMAL:
      return 'NUMERIC';
    case DuckDBTypeId.BOOLEAN:
      return 'BOOLEAN';
    case DuckDBTypeId.BLOB:
      return 'BYTES';
    case DuckDBTypeId.DATE:
      return 'DATE';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'DATETIME';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'TIMESTAMP';
    case DuckDBTypeId.TIME:
      return 'TIME';
    default:
      return 'STRING';
  }
}

/**
 * Reconciles the columns DuckDB has with the schema the table was declared with: a declared field
 * wins when it still stores as the same DuckDB type (so GEOGRAPHY stays GEOGRAPHY); columns added
 * or changed by SQL take the type DuckDB reports.
 */
export function reconcileSchema(columns: Array<{ name: string; type: DuckDBType }>, declared: TableFieldSchema[] | undefined): TableFieldSchema[] {
  const byName = new Map((declared ?? []).map((field) => [field.name.toLowerCase(), field]));
  return columns.map(({ name, type }) => {
    const known = byName.get(name.toLowerCase());
    if (known && sameStorage(known, type)) return { ...known, name };
    return fieldFromDuckType(name, type);
  });
}

function sameStorage(field: TableFieldSchema, type: DuckDBType): boolean {
  const actual = type.alias === 'JSON' ? 'JSON' : type.toString();
  const squash = (text: string) => text.replaceAll(' ', '').replaceAll('TIMESTAMPWITHTIMEZONE', 'TIMESTAMPTZ').toUpperCase();
  return squash(duckTypeOf(field)) === squash(actual);
}
