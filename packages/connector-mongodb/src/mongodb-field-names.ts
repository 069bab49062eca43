import type { Row } from '@automl/connector-core';

/**
 * The first field name of a row (nested ones included) MongoDB would not store as a plain field:
 * in `$set`, `a.b` writes the nested path a → b and a leading `$` is an operator, and servers
 * before 5.0 (and FerretDB) refuse both on insert. Such a row fails with this reason instead of
 * silently landing somewhere else.
 */
export function invalidFieldName(row: Row): string | undefined {
  return findInvalid(row, '');
}

function findInvalid(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findInvalid(item, path);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || value instanceof Date) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const where = path ? `${path}.${key}` : key;
    if (key === '') return `an empty field name (in ${path || 'the row'})`;
    if (key.includes('.')) return `field name "${where}" contains "." (it would write a nested path)`;
    if (key.startsWith('$')) return `field name "${where}" starts with "$" (an operator)`;
    if (key.includes('\0')) return `field name "${where}" contains a NUL character`;
    const found = findInvalid(item, where);
    if (found) return found;
  }
  return undefined;
}
