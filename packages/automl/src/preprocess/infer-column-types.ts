import type { Row } from '../types.js';
import { cellAsBoolean, cellAsCategory, cellAsEpochDays, cellAsNumber, readCell } from './cell-value.js';

export type ColumnType = 'numeric' | 'boolean' | 'date' | 'categorical';
export type DropReason = 'empty' | 'constant' | 'id-like';

export type ColumnTypeInference = { name: string; type: ColumnType } | { name: string; type: 'dropped'; reason: DropReason };

export interface InferColumnTypesOptions {
  /** Share of non-missing cells that must parse for a numeric/date type (the rest become missing). Default 0.95. */
  parseableShare?: number;
  /** A text column whose distinct/non-missing ratio exceeds this is treated as an identifier. Default 0.9. */
  idLikeDistinctRatio?: number;
  /** Fewer non-missing cells than this never count as id-like (too little evidence). Default 20. */
  idLikeMinimumRows?: number;
}

// Integer columns named like identifiers ("customer_id", "AccountId", "uuid") are row keys, not signal.
const idLikeName = /(?:^|[_\s-])id$|(?:^|[_\s-])id[_\s-]|^id$|[a-z]Id$|uuid|guid/i;

/** Union of the keys of all rows, in first-seen order: columns missing from some rows are fine. */
export function collectColumnNames(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * Decides how each column becomes features, from the training rows only. Order of checks:
 * boolean, date, numeric (numbers or number-like strings), else categorical; then columns that
 * carry no learnable signal (empty, constant, identifiers such as emails or customer ids) are dropped.
 */
export function inferColumnTypes(rows: readonly Row[], options: InferColumnTypesOptions = {}): ColumnTypeInference[] {
  const parseableShare = options.parseableShare ?? 0.95;
  const idLikeDistinctRatio = options.idLikeDistinctRatio ?? 0.9;
  const idLikeMinimumRows = options.idLikeMinimumRows ?? 20;

  return collectColumnNames(rows).map((name): ColumnTypeInference => {
    let present = 0;
    let missing = 0;
    let booleans = 0;
    let dates = 0;
    let numbers = 0;
    let integers = 0;
    const distinct = new Set<string>();
    for (const row of rows) {
      const cell = readCell(row[name]);
      if (cell.kind === 'missing') {
        missing += 1;
        continue;
      }
      present += 1;
      if (cellAsBoolean(cell) !== undefined) booleans += 1;
      else if (cellAsEpochDays(cell) !== undefined) dates += 1;
      else {
        const number = cellAsNumber(cell);
        if (number !== undefined) {
          numbers += 1;
          if (Number.isInteger(number)) integers += 1;
        }
      }
      distinct.add(cellAsCategory(cell) ?? '');
    }
    if (present === 0) return { name, type: 'dropped', reason: 'empty' };
    if (distinct.size === 1 && missing === 0) return { name, type: 'dropped', reason: 'constant' };
    if (booleans === present) return { name, type: 'boolean' };
    if (dates >= parseableShare * present) return { name, type: 'date' };
    if (numbers >= parseableShare * present) {
      const looksLikeKey = integers === numbers && distinct.size === present && idLikeName.test(name);
      return looksLikeKey ? { name, type: 'dropped', reason: 'id-like' } : { name, type: 'numeric' };
    }
    if (present >= idLikeMinimumRows && distinct.size / present > idLikeDistinctRatio) {
      return { name, type: 'dropped', reason: 'id-like' };
    }
    return { name, type: 'categorical' };
  });
}
