import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { ConfigError, connectionTypes, normaliseConfigKeys } from '@automl/connector-core';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

/** The file names looked for in the working directory, in order. */
export const connectionsFileNames = ['automl-connectors.json', 'automl-connectors.yaml', 'automl-connectors.yml'];

/** One named connection as the file holds it: camelCase keys, secrets as references. */
export type ConnectionEntry = Record<string, unknown> & { connectionType: string };

export interface ConnectionsDocument {
  connections: Record<string, ConnectionEntry>;
}

/** Where the project's connections file is: `--config`, else the first of the known names in `cwd`, else a new JSON one. */
export function findConnectionsFile(cwd: string, configPath?: string): string {
  if (configPath) return resolve(cwd, configPath);
  for (const name of connectionsFileNames) {
    const candidate = join(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return join(cwd, connectionsFileNames[0] as string);
}

const isYaml = (path: string) => ['.yaml', '.yml'].includes(extname(path).toLowerCase());

const nameRule = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function checkConnectionName(name: string): void {
  if (!nameRule.test(name)) {
    throw new ConfigError({
      message: `Invalid connection name "${name.slice(0, 80)}"`,
      operation: 'connections',
      hint: 'Use letters, digits, ".", "_" and "-" (at most 64), starting with a letter or digit.',
    });
  }
}

/**
 * Reads a connections file (JSON or YAML; snake_case keys of the specification accepted), with every
 * problem named as `<connection>.<field>`. A file with no `connections` key is read as the map itself.
 */
export function readConnectionsFile(path: string): ConnectionsDocument {
  if (!existsSync(path)) return { connections: {} };
  let raw: unknown;
  const text = readFileSync(path, 'utf8');
  try {
    raw = isYaml(path) ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError({
      message: `${basename(path)} is not valid ${isYaml(path) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
      operation: 'connections',
      hint: 'Fix the syntax; keys may be camelCase or the snake_case of the specification.',
    });
  }
  if (raw === null || raw === undefined) return { connections: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw fileError(path, '(root)', 'expected an object of named connections');
  const map = (Object.hasOwn(raw, 'connections') ? (raw as { connections: unknown }).connections : raw) as unknown;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw fileError(path, 'connections', 'expected an object of named connections');
  const connections: Record<string, ConnectionEntry> = Object.create(null);
  const issues: Array<{ path: string; message: string }> = [];
  for (const [name, value] of Object.entries(map as Record<string, unknown>)) {
    if (!nameRule.test(name)) {
      issues.push({ path: name.slice(0, 64), message: 'invalid connection name' });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path: name, message: 'expected an object' });
      continue;
    }
    let entry: Record<string, unknown>;
    try {
      entry = normaliseConfigKeys(value as Record<string, unknown>);
    } catch (error) {
      for (const issue of (error as ConfigError).issues ?? []) issues.push({ path: `${name}.${issue.path}`, message: issue.message });
      continue;
    }
    if (typeof entry.connectionType !== 'string' || !(connectionTypes as string[]).includes(entry.connectionType)) {
      issues.push({ path: `${name}.connectionType`, message: `must be one of ${connectionTypes.join(', ')}` });
      continue;
    }
    connections[name] = entry as ConnectionEntry;
  }
  if (issues.length > 0) {
    const error = new ConfigError({
      message: `Invalid ${basename(path)}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      operation: 'connections',
      hint: 'Fix the named fields.',
    });
    error.issues = issues;
    throw error;
  }
  return { connections };
}

/** Writes the file atomically, in its own format. Callers pass entries whose secrets are references. */
export function writeConnectionsFile(path: string, document: ConnectionsDocument): void {
  const ordered = Object.fromEntries(Object.entries(document.connections).sort(([left], [right]) => left.localeCompare(right)));
  const text = isYaml(path) ? stringifyYaml({ connections: ordered }) : `${JSON.stringify({ connections: ordered }, null, 2)}\n`;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function fileError(path: string, field: string, message: string): ConfigError {
  const error = new ConfigError({ message: `Invalid ${basename(path)}: ${field}: ${message}`, operation: 'connections', hint: 'Fix the named fields.' });
  error.issues = [{ path: field, message }];
  return error;
}
