import { AutoMLInputError } from '../errors.js';
import type { FeatureMatrix, Row } from '../types.js';
import type { CellValue } from './cell-value.js';
import { readCell } from './cell-value.js';
import type { ColumnType, DropReason, InferColumnTypesOptions } from './infer-column-types.js';
import { inferColumnTypes } from './infer-column-types.js';
import type { NumericEncoding } from './numeric-column-encoder.js';
import { fitNumericEncoding, numericFeatureNames, numericWidth, writeNumeric } from './numeric-column-encoder.js';
import type { OneHotEncoding, OneHotOptions } from './one-hot-encoder.js';
import { fitOneHotEncoding, oneHotFeatureNames, oneHotWidth, writeOneHot } from './one-hot-encoder.js';
import { detectSchemaDrift, type SchemaDrift } from './schema-drift.js';

export interface PreprocessorOptions extends InferColumnTypesOptions, OneHotOptions {}

type ColumnEncoding = { kind: 'numeric'; encoding: NumericEncoding } | { kind: 'one-hot'; encoding: OneHotEncoding };

export interface FeatureSummary {
  /** Columns used, with their inferred type and the features they became. */
  columns: Array<{ name: string; type: ColumnType; features: string[] }>;
  /** Columns left out, and why (e.g. an email or customer id is 'id-like'). */
  droppedColumns: Array<{ name: string; reason: DropReason }>;
  featureCount: number;
}

export interface TabularPreprocessorJSON {
  encodings: ColumnEncoding[];
  droppedColumns: Array<{ name: string; reason: DropReason }>;
}

/**
 * Turns spreadsheet-like rows into a numeric matrix. Everything (types, medians, categories,
 * scaling) is learned in fit() from the rows given there only, so cross-validation can refit it
 * per fold without leaking held-out rows into the preprocessing.
 */
export class TabularPreprocessor {
  readonly featureNames: readonly string[];
  private readonly categoryIndexes: Map<string, Map<string, number>>;

  private constructor(
    private readonly encodings: readonly ColumnEncoding[],
    private readonly droppedColumns: ReadonlyArray<{ name: string; reason: DropReason }>,
  ) {
    this.featureNames = encodings.flatMap((entry) => (entry.kind === 'numeric' ? numericFeatureNames(entry.encoding) : oneHotFeatureNames(entry.encoding)));
    this.categoryIndexes = new Map(
      encodings.flatMap((entry) =>
        entry.kind === 'one-hot' ? [[entry.encoding.column, new Map(entry.encoding.categories.map((name, index) => [name, index]))] as const] : [],
      ),
    );
  }

  static fit(rows: readonly Row[], options: PreprocessorOptions = {}): TabularPreprocessor {
    rows.forEach((row, index) => assertRow(row, index));
    const inferred = inferColumnTypes(rows, options);
    const encodings: ColumnEncoding[] = [];
    const droppedColumns: Array<{ name: string; reason: DropReason }> = [];
    for (const column of inferred) {
      if (column.type === 'dropped') {
        droppedColumns.push({ name: column.name, reason: column.reason });
        continue;
      }
      const cells = rows.map((row, index) => readFiniteCell(row, column.name, index));
      encodings.push(
        column.type === 'categorical'
          ? { kind: 'one-hot', encoding: fitOneHotEncoding(column.name, cells, options) }
          : { kind: 'numeric', encoding: fitNumericEncoding(column.name, column.type, cells) },
      );
    }
    if (encodings.length === 0) {
      throw new AutoMLInputError(
        `No usable feature columns: ${droppedColumns.map((column) => `${column.name} (${column.reason})`).join(', ') || 'rows have no columns'}.`,
      );
    }
    return new TabularPreprocessor(encodings, droppedColumns);
  }

  transform(rows: readonly Row[]): FeatureMatrix {
    const width = this.featureNames.length;
    return rows.map((row, rowIndex) => {
      assertRow(row, rowIndex);
      const features = new Array<number>(width);
      let offset = 0;
      for (const entry of this.encodings) {
        const cell = readFiniteCell(row, entry.encoding.column, rowIndex);
        if (entry.kind === 'numeric') {
          writeNumeric(entry.encoding, cell, features, offset);
          offset += numericWidth(entry.encoding);
        } else {
          writeOneHot(entry.encoding, this.categoryIndexes.get(entry.encoding.column) ?? new Map(), cell, features, offset);
          offset += oneHotWidth(entry.encoding);
        }
      }
      return features;
    });
  }

  /** Columns whose values in `rows` no longer look like training's (see schema-drift.ts). */
  schemaDrift(rows: readonly Row[]): SchemaDrift[] {
    return detectSchemaDrift(this.encodings, rows);
  }

  summary(): FeatureSummary {
    return {
      columns: this.encodings.map((entry) => ({
        name: entry.encoding.column,
        type: entry.kind === 'numeric' ? entry.encoding.type : 'categorical',
        features: entry.kind === 'numeric' ? numericFeatureNames(entry.encoding) : oneHotFeatureNames(entry.encoding),
      })),
      droppedColumns: this.droppedColumns.map((column) => ({ ...column })),
      featureCount: this.featureNames.length,
    };
  }

  toJSON(): TabularPreprocessorJSON {
    return structuredClone({ encodings: [...this.encodings], droppedColumns: [...this.droppedColumns] });
  }

  static fromJSON(json: TabularPreprocessorJSON): TabularPreprocessor {
    return new TabularPreprocessor(structuredClone(json.encodings), structuredClone(json.droppedColumns));
  }
}

function assertRow(row: unknown, index: number): asserts row is Row {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new AutoMLInputError(`X[${index}] is not a plain object row.`);
  }
}

function readFiniteCell(row: Row, column: string, rowIndex: number): CellValue {
  const cell = readCell(row[column]);
  if (cell.kind === 'number' && !Number.isFinite(cell.value)) {
    throw new AutoMLInputError(`X[${rowIndex}]["${column}"] is ${cell.value}; numeric cells must be finite (use null for a blank).`);
  }
  return cell;
}
