import type { CellValue } from './cell-value.js';
import { cellAsCategory } from './cell-value.js';

/** Learned one-hot layout of one categorical column (plain data so it serialises as JSON). */
export interface OneHotEncoding {
  column: string;
  /** Categories that get their own indicator, most frequent first. */
  categories: string[];
  /** True when rare training categories were merged into one "<other>" indicator. */
  hasOther: boolean;
  /** True when the column had blanks in training; they get their own "<missing>" indicator. */
  hasMissing: boolean;
}

export interface OneHotOptions {
  /** At most this many categories keep their own indicator. Default 20. */
  maxCategories?: number;
  /** Categories seen fewer times than this are merged into "<other>". Default 5. */
  minCategoryCount?: number;
}

/**
 * Learns which categories earn an indicator. Capping rare ones keeps the feature count bounded
 * (a "city" column would otherwise explode) and avoids indicators fitted on a handful of rows.
 */
export function fitOneHotEncoding(column: string, cells: readonly CellValue[], options: OneHotOptions = {}): OneHotEncoding {
  const maxCategories = options.maxCategories ?? 20;
  const minCategoryCount = options.minCategoryCount ?? 5;
  const counts = new Map<string, number>();
  let hasMissing = false;
  for (const cell of cells) {
    const category = cellAsCategory(cell);
    if (category === undefined) hasMissing = true;
    else counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  // Frequency first, then name, so the layout does not depend on row order.
  const ranked = [...counts.entries()].sort((left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : 1));
  const kept = ranked.filter(([, count]) => count >= minCategoryCount).slice(0, maxCategories);
  // With very few rows nothing may pass the count cap; keep the most frequent so the column is not silently lost.
  const categories = (kept.length > 0 ? kept : ranked.slice(0, Math.min(maxCategories, ranked.length))).map(([name]) => name);
  return { column, categories, hasOther: categories.length < ranked.length, hasMissing };
}

export function oneHotFeatureNames(encoding: OneHotEncoding): string[] {
  const names = encoding.categories.map((category) => `${encoding.column}=${category}`);
  if (encoding.hasOther) names.push(`${encoding.column}=<other>`);
  if (encoding.hasMissing) names.push(`${encoding.column}=<missing>`);
  return names;
}

export function oneHotWidth(encoding: OneHotEncoding): number {
  return encoding.categories.length + (encoding.hasOther ? 1 : 0) + (encoding.hasMissing ? 1 : 0);
}

/**
 * Writes the indicators for one cell into `features` starting at `offset`. A category not kept
 * in training goes to "<other>" when training had rare categories (like scikit-learn's
 * handle_unknown='infrequent_if_exist'), else all indicators stay 0; a blank when training had
 * none also leaves them at 0. Either way new CRM values never break scoring.
 */
export function writeOneHot(encoding: OneHotEncoding, categoryIndex: ReadonlyMap<string, number>, cell: CellValue, features: number[], offset: number): void {
  const width = oneHotWidth(encoding);
  for (let index = 0; index < width; index += 1) features[offset + index] = 0;
  const category = cellAsCategory(cell);
  if (category === undefined) {
    if (encoding.hasMissing) features[offset + width - 1] = 1;
    return;
  }
  const known = categoryIndex.get(category);
  if (known !== undefined) features[offset + known] = 1;
  else if (encoding.hasOther) features[offset + encoding.categories.length] = 1;
}
