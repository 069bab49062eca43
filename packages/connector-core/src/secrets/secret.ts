import { inspect } from 'node:util';

const SECRET_MARKER = Symbol.for('@automl/connector-core/Secret');
const REDACTED = '[REDACTED]';

/**
 * A credential that cannot leak by accident: it prints, inspects and serialises as `[REDACTED]`.
 * The value lives in a private field, so neither `util.inspect`, `JSON.stringify`, `Object.keys`
 * nor a structured logger can reach it; only an explicit `reveal()` at the SDK boundary does.
 */
export class Secret {
  readonly #value: string;
  readonly [SECRET_MARKER] = true;

  constructor(value: string) {
    this.#value = value;
  }

  static isInstance(value: unknown): value is Secret {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SECRET_MARKER] === true;
  }

  static from(value: string | Secret): Secret {
    return Secret.isInstance(value) ? value : new Secret(value);
  }

  /** The raw value; call it only where the SDK needs it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

export function revealSecret(value: string | Secret | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Secret.isInstance(value) ? value.reveal() : value;
}

export { REDACTED };
