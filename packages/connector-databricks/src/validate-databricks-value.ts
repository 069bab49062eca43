import type { Value } from '@automl/connector-core';
import { isIntegerType } from './databricks-sql-text.js';

const integerRanges: Record<string, [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  BYTE: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  SHORT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  INTEGER: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
  LONG: [-9223372036854775808n, 9223372036854775807n],
};

/**
 * Why `value` cannot be stored in a column of `type` (Databricks' TYPE_NAME), or undefined when it
 * can. Checked before sending, because a failed INSERT says which value failed but not which row:
 * this way the row is reported with its own index and the rest of its batch is written.
 */
export function invalidValueReason(value: Value | undefined, type: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const upper = type.toUpperCase();
  if (isIntegerType(upper)) {
    const digits =
      typeof value === 'number'
        ? Number.isInteger(value)
          ? BigInt(value)
          : undefined
        : typeof value === 'string' && /^[-+]?\d+$/.test(value.trim())
          ? BigInt(value.trim())
          : undefined;
    if (digits === undefined) return `${describe(value)} is not an integer (column type ${upper})`;
    const [low, high] = integerRanges[upper] ?? integerRanges.BIGINT!;
    if (digits < low || digits > high) return `${describe(value)} is out of range for ${upper}`;
    return undefined;
  }
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(upper);
  if (decimal) {
    const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
    const match = /^[-+]?(\d*)(?:\.(\d*))?$/.exec(text);
    if (!match || text === '' || /e/i.test(text)) return `${describe(value)} is not a decimal number (column type ${upper})`;
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    const integerDigits = (match[1] ?? '').replace(/^0+/, '').length;
    if (integerDigits > precision - scale) return `${describe(value)} does not fit ${upper} (at most ${precision - scale} digits before the point)`;
    return undefined;
  }
  if (upper === 'DOUBLE' || upper === 'FLOAT' || upper === 'REAL') {
    if (typeof value === 'number') return undefined;
    if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return undefined;
    return `${describe(value)} is not a number (column type ${upper})`;
  }
  if (upper === 'BOOLEAN') {
    if (typeof value === 'boolean' || (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))) return undefined;
    return `${describe(value)} is not a boolean`;
  }
  if (upper === 'DATE' || upper.startsWith('TIMESTAMP')) {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : undefined;
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return undefined;
    return `${describe(value)} is not a ${upper === 'DATE' ? 'date' : 'timestamp'}`;
  }
  return undefined;
}

function describe(value: Value): string {
  const text = typeof value === 'string' ? `'${value}'` : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
