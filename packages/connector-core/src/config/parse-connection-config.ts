import type { z } from 'zod';
import { ConfigError } from '../errors/connector-error.js';
import { connectionConfigSchema, connectionTypes, type ConnectionConfig, type ConnectionType, type ConfigOf } from './connection-config.js';

const snakeToCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** Key spellings of the Python platform that are not a plain snake_case -> camelCase mapping. */
const aliases: Record<string, string> = { type: 'connectionType', skiprows: 'skipRows', usecols: 'useCols' };

/**
 * Accepts the camelCase keys of TypeScript code and the snake_case keys of the specification
 * (`connection_type`, `requests_per_minute`...), so a config file written for the Python platform
 * loads unchanged. Both spellings of one key at once is an error, not a silent pick.
 */
export function normaliseConfigKeys(input: Record<string, unknown>): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  const issues: Array<{ path: string; message: string }> = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const camel = aliases[key] ?? snakeToCamel(key);
    if (camel in output) issues.push({ path: camel, message: `given twice (as "${key}" and another spelling)` });
    output[camel] = value;
  }
  if (issues.length > 0) throw configError(issues);
  return output;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.') || '(root)';
}

function configError(issues: Array<{ path: string; message: string }>, connector?: string): ConfigError {
  const error = new ConfigError({
    message: `Invalid connection config: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    connector,
    operation: 'config',
    hint: 'Fix the named fields; keys may be camelCase or the snake_case of the specification.',
  });
  error.issues = issues;
  return error;
}

function describeIssue(issue: z.core.$ZodIssue): Array<{ path: string; message: string }> {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown key' }));
  }
  if (issue.code === 'invalid_union' && issue.path.length === 0 && 'note' in issue) {
    return [{ path: 'connectionType', message: `must be one of ${connectionTypes.join(', ')}` }];
  }
  // Never echo the received value: it may be a credential.
  return [{ path: formatPath(issue.path), message: issue.message.replace(/, received .*$/, '') }];
}

/**
 * Validates a connection config and returns it typed, credentials wrapped in `Secret`. Throws a
 * `ConfigError` naming every invalid field at once.
 */
export function parseConnectionConfig(input: unknown): ConnectionConfig;
export function parseConnectionConfig<T extends ConnectionType>(input: unknown, expectedType: T): ConfigOf<T>;
export function parseConnectionConfig(input: unknown, expectedType?: ConnectionType): ConnectionConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw configError([{ path: '(root)', message: 'expected an object' }]);
  }
  const normalised = normaliseConfigKeys(input as Record<string, unknown>);
  if (expectedType !== undefined) {
    normalised.connectionType ??= expectedType;
    if (normalised.connectionType !== expectedType) {
      throw configError(
        [{ path: 'connectionType', message: `this connector takes "${expectedType}", got "${String(normalised.connectionType)}"` }],
        expectedType,
      );
    }
  }
  if (!connectionTypes.includes(normalised.connectionType as ConnectionType)) {
    throw configError([{ path: 'connectionType', message: `must be one of ${connectionTypes.join(', ')}` }]);
  }
  const result = connectionConfigSchema.safeParse(normalised);
  if (!result.success) {
    throw configError(result.error.issues.flatMap(describeIssue), String(normalised.connectionType));
  }
  return result.data;
}

/** Throws a ConfigError for a required key that neither the config nor its environment variable gave. */
export function requireConfigValue<T>(value: T | undefined, path: string, connector: string, alternatives?: string): T {
  if (value === undefined || value === null || value === '') {
    throw configError([{ path, message: `is required${alternatives ? ` (or set ${alternatives})` : ''}` }], connector);
  }
  return value;
}
