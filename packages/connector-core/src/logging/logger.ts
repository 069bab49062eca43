/**
 * The logger shape connectors write to: pino's (and bunyan's, and console-like adapters'). Pass a pino
 * instance or anything with these methods; the default is silent, as a library should be.
 */
export interface Logger {
  debug(object: Record<string, unknown>, message?: string): void;
  info(object: Record<string, unknown>, message?: string): void;
  warn(object: Record<string, unknown>, message?: string): void;
  error(object: Record<string, unknown>, message?: string): void;
}

const noop = () => undefined;
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A logger that prints one JSON line per entry to stderr: handy in scripts, never the default. */
export function createConsoleLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = ['debug', 'info', 'warn', 'error'] as const;
  const threshold = order.indexOf(level);
  const write = (entryLevel: (typeof order)[number]) => (object: Record<string, unknown>, message?: string) => {
    if (order.indexOf(entryLevel) < threshold) return;
    process.stderr.write(`${JSON.stringify({ level: entryLevel, time: new Date().toISOString(), ...object, msg: message })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
