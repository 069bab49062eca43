import type { Redactor } from '../secrets/redactor.js';
import type { Logger } from './logger.js';

/** Wraps the user's logger so nothing that reaches it can carry a registered credential. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const scrub = (object: Record<string, unknown>): Record<string, unknown> => {
    try {
      return JSON.parse(redactor.redact(JSON.stringify(object))) as Record<string, unknown>;
    } catch {
      return { note: 'log fields could not be serialised' };
    }
  };
  const wrap =
    (method: keyof Logger) =>
    (object: Record<string, unknown>, message?: string): void =>
      logger[method](scrub(object), message === undefined ? undefined : redactor.redact(message));
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
