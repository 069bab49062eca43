import { ConfigError } from '@automl/connector-core';

/** The JSON an error becomes: the typed error's name, message and hint, and the bad fields of a config. */
export interface ErrorBody {
  error: { name: string; message: string; hint?: string; fields?: Record<string, string> };
}

/** `connection` strips the "<name>." prefix that ConnectionsProject puts on each issue's path. */
export function errorBody(error: unknown, connection?: string): ErrorBody {
  const value = error instanceof Error ? error : new Error(String(error));
  const body: ErrorBody['error'] = { name: value.name, message: value.message };
  const hint = (value as { hint?: unknown }).hint;
  if (typeof hint === 'string' && hint) body.hint = hint;
  if (ConfigError.isInstance(value)) {
    const issues = (value as ConfigError).issues ?? [];
    const prefix = connection ? `${connection}.` : '';
    if (issues.length > 0)
      body.fields = Object.fromEntries(
        issues.map((issue) => [prefix && issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path, issue.message]),
      );
  }
  return { error: body };
}

/** The HTTP status of an error: a config or validation problem is the caller's (400), the rest 502. */
export function statusOf(error: unknown): 400 | 404 | 502 {
  if (ConfigError.isInstance(error)) return /No connection named/.test((error as Error).message) ? 404 : 400;
  return 502;
}
