import type { Row, Value } from '../contract/row.js';

/** Builds one row from its values, in the order of the names the factory was made for. */
export type RowFactory = (values: readonly Value[]) => Row;

const factories = new Map<string, RowFactory>();

/** A property name as an object-literal key: `__proto__` computed, so it stays an own property instead of setting the prototype. */
const literalKey = (name: string): string => (name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name));

/**
 * A function that builds one row as an object literal with the columns as constant keys, for
 * connectors that read columnar results (Arrow batches). Why compiled: rows built by assigning the
 * columns one by one go through V8's generic keyed stores (a shape transition per column, per row);
 * a literal with fixed keys is allocated pre-shaped, and every row shares one hidden class. Names go
 * in through JSON.stringify, so a column name is only ever a string key, never code. Where code
 * generation is forbidden (--disallow-code-generation-from-strings) the same rows are built key by
 * key. Duplicate names behave as in an object literal: the last value wins.
 */
export function rowFactory(names: readonly string[]): RowFactory {
  const key = JSON.stringify(names);
  let factory = factories.get(key);
  if (!factory) {
    factory = compiled(names) ?? interpreted(names);
    // A bounded cache: a read compiles its factory once, and a process reading endless distinct schemas never grows it.
    if (factories.size < 256) factories.set(key, factory);
  }
  return factory;
}

function compiled(names: readonly string[]): RowFactory | undefined {
  const body = `return {${names.map((name, index) => `${literalKey(name)}: values[${index}]`).join(', ')}};`;
  try {
    return new Function('values', body) as RowFactory;
  } catch {
    return undefined;
  }
}

function interpreted(names: readonly string[]): RowFactory {
  return (values) => {
    const row: Row = {};
    names.forEach((name, index) => {
      Object.defineProperty(row, name, { value: values[index], enumerable: true, writable: true, configurable: true });
    });
    return row;
  };
}
