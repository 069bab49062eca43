import type { z } from 'zod';
import { ConfigError } from '../errors/connector-error.js';
import { findSystem } from '../systems/index.js';
import { applyEnvironment, type EnvironmentSource } from './apply-environment.js';
import { connectionConfigSchema, connectionTypes, type ConnectionConfig, type ConnectionType, type ConfigOf } from './connection-config.js';

const snakeToCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** Key spellings of the Python platform that are not a plain snake_case -> camelCase mapping. */
const aliases: Record<string, string> = { type: 'connectionType', skiprows: 'skipRows', usecols: 'useCols' };

/** Keys that would reach Object.prototype if copied naively: always an error, never a setting. */
const reservedKeys = new Set(['__proto__', 'constructor', 'prototype']);

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
    if (reservedKeys.has(key)) {
      issues.push({ path: key, message: 'unknown key' });
      continue;
    }
    const camel = Object.hasOwn(aliases, key) ? (aliases[key] as string) : snakeToCamel(key);
    if (reservedKeys.has(camel)) {
      issues.push({ path: key, message: 'unknown key' });
      continue;
    }
    if (Object.hasOwn(output, camel)) issues.push({ path: camel, message: `given twice (as "${key}" and another spelling)` });
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

function describeIssue(issue: z.core.$ZodIssue, sources: Record<string, string>): Array<{ path: string; message: string }> {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown key' }));
  }
  if (issue.code === 'invalid_union' && issue.path.length === 0 && 'note' in issue) {
    return [{ path: 'connectionType', message: `must be one of ${connectionTypes.join(', ')}` }];
  }
  const path = formatPath(issue.path);
  const from = sources[path] ? ` (from ${sources[path]})` : '';
  // Never echo the received value: it may be a credential.
  return [{ path, message: `${issue.message.replace(/, received .*$/, '')}${from}` }];
}

export interface ParseConfigOptions {
  /**
   * Where unset credentials and addresses are looked up: `process.env` by default, another map, or
   * `false` for the config only (a server running connectors for several tenants).
   */
  environment?: EnvironmentSource;
}

/**
 * Validates a connection config and returns it typed, credentials wrapped in `Secret`, unset keys
 * filled from the system's environment variables. Throws a `ConfigError` naming every invalid field.
 */
export function parseConnectionConfig(input: unknown, expectedType?: undefined, options?: ParseConfigOptions): ConnectionConfig;
export function parseConnectionConfig<T extends ConnectionType>(input: unknown, expectedType: T, options?: ParseConfigOptions): ConfigOf<T>;
export function parseConnectionConfig(input: unknown, expectedType?: ConnectionType, options: ParseConfigOptions = {}): ConnectionConfig {
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
  const system = typeof normalised.connectionType === 'string' ? findSystem(normalised.connectionType) : undefined;
  if (!system) {
    throw configError([{ path: 'connectionType', message: `must be one of ${connectionTypes.join(', ')}` }]);
  }
  const { config, sources } = applyEnvironment(normalised, system, options.environment);
  const result = connectionConfigSchema.safeParse(config);
  if (!result.success) {
    throw configError(
      result.error.issues.flatMap((issue) => describeIssue(issue, sources)),
      system.id,
    );
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
