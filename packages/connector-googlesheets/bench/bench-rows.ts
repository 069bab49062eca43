// The benchmark's data set: deterministic rows of 12 mixed columns (strings, numbers, booleans, dates).
import type { Row } from '@automl/connector-core';

export const columns = ['id', 'name', 'city', 'amount', 'quantity', 'paid', 'signed_on', 'updated_at', 'score', 'active', 'category', 'note'] as const;

const cities = ['Paris', 'Lyon', 'Lille', 'Nantes', 'Bordeaux', 'Marseille', 'Toulouse', 'Nice'];
const categories = ['retail', 'wholesale', 'online', 'partner'];
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2020, 0, 1);

export function benchRow(index: number): Row {
  return {
    id: index + 1,
    name: `Customer ${index + 1}`,
    city: cities[index % cities.length] ?? null,
    amount: Math.round(((index * 7919) % 100_000) * 1.37) / 100,
    quantity: (index * 31) % 500,
    paid: index % 3 !== 0,
    signed_on: new Date(START_MS + (index % 1500) * DAY_MS),
    updated_at: new Date(START_MS + (index % 1500) * DAY_MS + ((index * 997) % 86_400) * 1000),
    score: ((index * 104_729) % 10_000) / 10_000,
    active: index % 5 !== 0,
    category: categories[index % categories.length] ?? null,
    note: index % 10 === 0 ? null : `note ${index % 97}`,
  };
}

export function benchRows(count: number): Row[] {
  return Array.from({ length: count }, (_, index) => benchRow(index));
}

/** Header + rows as cell arrays, the shape the emulator's seed (and values.update) take. */
export function benchGrid(count: number): unknown[][] {
  return [[...columns], ...benchRows(count).map((row) => columns.map((column) => row[column] ?? null))];
}
