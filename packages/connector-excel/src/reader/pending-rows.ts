import type { Row } from '@automl/connector-core';

/**
 * Rows waiting to be cut into pages. A run of blank rows is kept as one count and turned into rows
 * only as pages are taken, so `<row r="1000000">` after row 1 (with `skipBlankRows: false`) costs
 * one number, not a million rows built in one synchronous loop.
 */
export class PendingRows {
  #items: Array<Row | number> = [];
  #head = 0;
  /** Rows waiting, blank runs included. */
  count = 0;

  pushRow(row: Row): void {
    this.#items.push(row);
    this.count += 1;
  }

  pushBlanks(count: number): void {
    if (count <= 0) return;
    const last = this.#items.length - 1;
    if (last >= this.#head && typeof this.#items[last] === 'number') (this.#items[last] as number) += count;
    else this.#items.push(count);
    this.count += count;
  }

  /** The next `count` rows (fewer when fewer wait); `blank()` makes each blank row. */
  take(count: number, blank: () => Row): Row[] {
    const page: Row[] = [];
    const items = this.#items;
    while (page.length < count && this.#head < items.length) {
      const item = items[this.#head]!;
      if (typeof item === 'number') {
        const used = Math.min(item, count - page.length);
        for (let at = 0; at < used; at += 1) page.push(blank());
        if (used === item) this.#head += 1;
        else items[this.#head] = item - used;
      } else {
        page.push(item);
        this.#head += 1;
      }
    }
    this.count -= page.length;
    // Drop taken entries now and then, so the list does not grow with the sheet.
    if (this.#head > 4096 && this.#head * 2 > items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
    return page;
  }
}
