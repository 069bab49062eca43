/** TTypeId of TCLIService: the column types the warehouse states in a result's Thrift schema. */
export const ThriftType = { BIGINT: 4, ARRAY: 10, MAP: 11, STRUCT: 12, UNION: 13, USER_DEFINED: 14, DECIMAL: 15 } as const;

/** One result column as the Thrift schema describes it (`TColumnDesc`, in position order). */
export interface ThriftColumn {
  name: string;
  /** Its TTypeId (`typeDesc.types[0].primitiveEntry.type`); undefined when the schema does not say. */
  type: number | undefined;
}

export interface NumericConversion {
  /** BIGINT and DECIMAL as exact decimal strings instead of JS numbers (`exactNumerics`). */
  exact: boolean;
}

/**
 * What the driver's Thrift-type pass (its `convertThriftValue`) does to a non-null value that came
 * as text or as a plain value: complex values sent as JSON are parsed (an unparsable one becomes an
 * empty object or array, as there), DECIMAL text becomes a number unless exact, UNION and
 * user-defined values become text. Undefined where the value stays as it is.
 */
export function thriftPass(type: number | undefined, conversion: NumericConversion): ((value: unknown) => unknown) | undefined {
  switch (type) {
    case ThriftType.STRUCT:
    case ThriftType.MAP:
      return (value) => parseJson(value, {});
    case ThriftType.ARRAY:
      return (value) => parseJson(value, []);
    case ThriftType.DECIMAL:
      return conversion.exact ? undefined : Number;
    case ThriftType.UNION:
    case ThriftType.USER_DEFINED:
      return String;
    default:
      return undefined;
  }
}

function parseJson(value: unknown, otherwise: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return otherwise;
  }
}
