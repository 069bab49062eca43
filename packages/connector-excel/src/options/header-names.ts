import type { Value } from '@automl/connector-core';

/** A header cell as a column name: numbers and booleans as text, dates as ISO (date only at midnight). */
export function headerText(value: Value | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  const text = String(value);
  return text.trim() === '' ? undefined : text;
}

/**
 * Unique column names the way pandas makes them: a blank header becomes `Unnamed: <index>`, and a
 * repeated name gets `.1`, `.2`... (skipping suffixes another column already uses).
 */
export class ColumnNamer {
  readonly #used = new Set<string>();
  readonly #counts = new Map<string, number>();

  /** Returns the unique name and whether it was changed (blank or duplicate). */
  name(raw: string | undefined, index: number): { name: string; blank: boolean; duplicate: boolean } {
    const base = raw ?? `Unnamed: ${index}`;
    let name = base;
    let duplicate = false;
    if (this.#used.has(name)) {
      duplicate = true;
      let count = this.#counts.get(base) ?? 0;
      do {
        count += 1;
        name = `${base}.${count}`;
      } while (this.#used.has(name));
      this.#counts.set(base, count);
    }
    this.#used.add(name);
    return { name, blank: raw === undefined, duplicate };
  }

  /** Reserves a name without renaming (the names of the header row, before duplicates are fixed). */
  has(name: string): boolean {
    return this.#used.has(name);
  }
}
