import type { Output } from '../cli-context.js';

/**
 * Rows, rate and ETA of a long read or write, redrawn on stderr when it is a terminal; silent
 * otherwise (a pipe or a log file gets the final summary only).
 */
export class Progress {
  readonly #output: Output;
  readonly #label: string;
  readonly #total: number | undefined;
  readonly #started = performance.now();
  #done = 0;
  #lastDraw = 0;

  constructor(output: Output, label: string, total?: number) {
    this.#output = output;
    this.#label = label;
    this.#total = total;
  }

  add(rows: number): void {
    this.#done += rows;
    const now = performance.now();
    if (!this.#output.interactive || now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? this.#done / seconds : 0;
    const eta = this.#total && rate > 0 ? ` ETA ${Math.max(0, Math.ceil((this.#total - this.#done) / rate))}s` : '';
    this.#output.err(
      `\r${this.#label}: ${this.#done.toLocaleString('en-US')}${this.#total ? `/${this.#total.toLocaleString('en-US')}` : ''} rows, ${Math.round(rate).toLocaleString('en-US')}/s${eta}   `,
    );
  }

  end(): void {
    if (this.#output.interactive && this.#lastDraw > 0) this.#output.err('\n');
  }
}
