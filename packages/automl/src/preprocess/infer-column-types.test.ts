import { describe, expect, it } from 'vitest';
import type { Row } from '../types.js';
import { inferColumnTypes } from './infer-column-types.js';

function typesOf(rows: Row[]): Record<string, string> {
  return Object.fromEntries(inferColumnTypes(rows).map((column) => [column.name, column.type === 'dropped' ? `dropped:${column.reason}` : column.type]));
}

describe('inferColumnTypes', () => {
  const rows: Row[] = Array.from({ length: 40 }, (_, index) => ({
    customer_id: `C${index}`,
    email: `person${index}@example.com`,
    account_id: index + 1000,
    plan: ['Basic', 'Plus', 'Pro'][index % 3],
    charges: index % 4 === 0 ? `${index},${String(100 + index).padStart(3, '0')}.50` : ` ${index}.25 `,
    discount: `${index % 7}%`,
    active: index % 2 === 0,
    active_text: index % 2 === 0 ? 'TRUE' : 'false',
    signed_up: new Date(Date.UTC(2024, 0, 1 + index)),
    renewal: `2025-02-${String((index % 28) + 1).padStart(2, '0')}`,
    region: 'EU',
    notes: null,
    age: index % 5 === 0 ? '' : 20 + (index % 30),
    ...(index % 2 === 0 ? { sometimes: index } : {}),
  }));

  it('detects numeric, boolean, date and categorical columns, parsing number-like strings', () => {
    expect(typesOf(rows)).toEqual({
      customer_id: 'dropped:id-like',
      email: 'dropped:id-like',
      account_id: 'dropped:id-like',
      plan: 'categorical',
      charges: 'numeric',
      discount: 'numeric',
      active: 'boolean',
      active_text: 'boolean',
      signed_up: 'date',
      renewal: 'date',
      region: 'dropped:constant',
      notes: 'dropped:empty',
      age: 'numeric',
      sometimes: 'numeric',
    });
  });

  it('keeps a repeated-integer column that is merely named like an id', () => {
    const grouped: Row[] = Array.from({ length: 30 }, (_, index) => ({ store_id: index % 3 }));
    expect(typesOf(grouped)).toEqual({ store_id: 'numeric' });
  });

  it('does not call a small distinct text column id-like', () => {
    const few: Row[] = Array.from({ length: 10 }, (_, index) => ({ city: `City ${index}` }));
    expect(typesOf(few)).toEqual({ city: 'categorical' });
  });
});
