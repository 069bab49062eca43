import { inspect } from 'node:util';
import type { Logger } from '../logging/logger.js';

/**
 * Collects everything a connector emits (log lines, errors, serialised objects, metrics text) so a
 * test can assert that no credential appears anywhere. Used by core's own secret-leak test and by
 * every connector package's.
 */
export class LeakProbe {
  readonly emitted: string[] = [];

  /** A pino-shaped logger that records every entry at every level. */
  readonly logger: Logger = {
    debug: (object, message) => this.#log('debug', object, message),
    info: (object, message) => this.#log('info', object, message),
    warn: (object, message) => this.#log('warn', object, message),
    error: (object, message) => this.#log('error', object, message),
  };

  #log(level: string, object: Record<string, unknown>, message?: string): void {
    this.emitted.push(`${level} ${message ?? ''} ${safeJson(object)} ${inspect(object, { depth: 8 })}`);
  }

  /** Records how a value looks to a person or a log shipper: inspect, JSON, String, and an error's stack and cause chain. */
  capture(value: unknown): void {
    this.emitted.push(inspect(value, { depth: 10, showHidden: false }));
    this.emitted.push(safeJson(value));
    this.emitted.push(String(value));
    let current: unknown = value;
    for (let depth = 0; current instanceof Error && depth < 6; depth += 1) {
      this.emitted.push(current.message, current.stack ?? '');
      current = current.cause;
    }
  }

  /** Runs an operation and captures its result or its error. */
  async run(operation: () => Promise<unknown>): Promise<unknown> {
    try {
      const result = await operation();
      this.capture(result);
      return result;
    } catch (error) {
      this.capture(error);
      return error;
    }
  }

  /** The captured texts that contain any of `secrets`, with the secret masked: empty when nothing leaked. */
  leaks(secrets: string[]): string[] {
    const found: string[] = [];
    for (const text of this.emitted) {
      for (const secret of secrets) {
        if (secret && text.includes(secret)) found.push(text.split(secret).join('<<SECRET>>').slice(0, 500));
      }
    }
    return found;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
