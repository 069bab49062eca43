import { ConfigError } from '@automl/connector-core';
import { columnIndexFromLetters } from '../reader/cell-value.js';

/**
 * Which columns to read, in pandas' `usecols` forms:
 * - `'A:E'`, `'A,C,F:H'`: Excel column letters and ranges;
 * - `[0, 2, 5]`: 0-based column positions;
 * - `['id', 'amount']`: header names (letters when `headerRow: false`);
 * - `(name, index) => boolean`: a predicate over each column.
 */
export type UseCols = string | readonly number[] | readonly string[] | ((name: string, index: number) => boolean);

export type ColumnSelector =
  | { kind: 'all' }
  /** Positions known before reading; `strict` when given as numbers (an out-of-range index is an error). */
  | { kind: 'positions'; positions: ReadonlySet<number>; strict: boolean }
  | { kind: 'names'; names: readonly string[] }
  | { kind: 'predicate'; test: (name: string, index: number) => boolean };

const letters = /^\$?([A-Za-z]{1,3})$/;
const maxColumn = 16_383; // XFD, the last column Excel allows

function letterIndex(text: string, spec: string): number {
  const match = letters.exec(text.trim());
  const index = match ? columnIndexFromLetters(match[1]!.toUpperCase()) : -1;
  if (!match || index > maxColumn) throw invalid(`"${text.trim()}" in useCols "${spec}" is not a column letter (A to XFD)`);
  return index;
}

function invalid(message: string): ConfigError {
  return new ConfigError({
    message: `Invalid useCols: ${message}`,
    connector: 'excel',
    operation: 'read',
    hint: "useCols takes 'A:E', 'A,C,F:H', a list of header names, a list of 0-based indices, or a function.",
  });
}

export function parseUseCols(useCols: UseCols | undefined): ColumnSelector {
  if (useCols === undefined || useCols === null) return { kind: 'all' };
  if (typeof useCols === 'function') return { kind: 'predicate', test: useCols };
  if (typeof useCols === 'string') {
    const positions = new Set<number>();
    for (const part of useCols.split(',')) {
      if (part.trim() === '') throw invalid(`empty item in "${useCols}"`);
      const [from, to, extra] = part.split(':');
      if (extra !== undefined) throw invalid(`"${part.trim()}" in "${useCols}" has two colons`);
      const start = letterIndex(from!, useCols);
      const end = to === undefined ? start : letterIndex(to, useCols);
      // pandas refuses a reversed range too; reading it as its reverse would hide a typo.
      if (end < start)
        throw invalid(`the range "${part.trim()}" in "${useCols}" runs backwards; write ${to!.trim().toUpperCase()}:${from!.trim().toUpperCase()}`);
      for (let column = start; column <= end; column += 1) positions.add(column);
    }
    return { kind: 'positions', positions, strict: false };
  }
  if (Array.isArray(useCols)) {
    if (useCols.length === 0) throw invalid('an empty list selects no column');
    if (useCols.every((item) => typeof item === 'number')) {
      for (const index of useCols as number[]) {
        if (!Number.isInteger(index) || index < 0 || index > maxColumn) throw invalid(`${index} is not a 0-based column index`);
      }
      return { kind: 'positions', positions: new Set(useCols as number[]), strict: true };
    }
    if (useCols.every((item) => typeof item === 'string')) return { kind: 'names', names: [...new Set(useCols as string[])] };
    throw invalid('a list must hold only names or only indices');
  }
  throw invalid(`unsupported value ${JSON.stringify(useCols)}`);
}
