import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors/connector-error.js';
import { systems } from '../systems/index.js';
import { Secret } from './secret.js';

/** The environment variables the specification names, per connection type (from the descriptors). */
export const credentialEnvironmentVariables = Object.fromEntries(
  systems.map((system) => [system.id, system.environment.map((fallback) => fallback.variable)]),
) as Record<(typeof systems)[number]['id'], string[]>;

/**
 * Loads a `.env` file into `process.env` with Node's built-in loader, as the specification's
 * `load_dotenv()`: variables already set win. The library never calls it on its own (no side effect
 * at import or on first use); the demo and the CLI do. Returns whether a file was loaded.
 */
export function loadEnvFile(path = resolve(process.cwd(), '.env')): boolean {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return false;
  }
  if (!isFile) {
    throw new ConfigError({
      message: `${path} is not a file`,
      operation: 'loadEnvFile',
      hint: 'A .env file holds NAME=value lines; remove or rename what is at that path.',
    });
  }
  try {
    process.loadEnvFile(path);
  } catch (error) {
    throw new ConfigError({
      message: `Cannot read ${path}: ${(error as { code?: string }).code ?? 'unreadable'}`,
      operation: 'loadEnvFile',
      hint: 'A .env file holds NAME=value lines, one per line.',
    });
  }
  return true;
}

/** @deprecated the library no longer loads `.env` by itself: call `loadEnvFile()` at start-up. */
export const loadDotEnv = loadEnvFile;

/** Reads one environment variable, treating an empty string as unset. */
export function readEnvironment(name: string, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = environment[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * A credential from the config, else from the first of `variables` set in the environment, wrapped
 * as a Secret. Returns which source was used, for error messages. Connectors built on BaseConnector
 * need not call it: core fills unset keys from the descriptor's variables when parsing the config.
 */
export function resolveCredential(
  configured: Secret | string | undefined,
  variables: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
): { secret: Secret; source: string } | undefined {
  if (configured !== undefined) return { secret: Secret.from(configured), source: 'config' };
  for (const name of variables) {
    const value = readEnvironment(name, environment);
    if (value !== undefined) return { secret: new Secret(value), source: name };
  }
  return undefined;
}
