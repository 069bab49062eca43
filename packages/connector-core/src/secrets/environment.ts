import { Secret } from './secret.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The environment variables the specification names, per connection type. */
export const credentialEnvironmentVariables = {
  bigquery: ['GOOGLE_BIGQUERY_CREDENTIALS_JSON', 'GOOGLE_APPLICATION_CREDENTIALS'],
  googlesheets: ['GOOGLE_SHEETS_CREDENTIALS', 'GOOGLE_APPLICATION_CREDENTIALS'],
  databricks: ['DATABRICKS_HOST', 'DATABRICKS_HTTP_PATH', 'DATABRICKS_TOKEN'],
  mongodb: ['MONGODB_URI'],
  hubspot: ['HUBSPOT_API_KEY'],
  salesforce: ['SALESFORCE_API_KEY', 'SALESFORCE_INSTANCE_URL'],
  pipedrive: ['PIPEDRIVE_API_KEY'],
  excel: [],
} as const;

let dotenvLoaded = false;

/**
 * Loads a `.env` file with Node's built-in loader (no dotenv dependency) the first time credentials
 * are looked up. Variables already set in the environment win, as with python-dotenv.
 */
export function loadDotEnv(path = resolve(process.cwd(), '.env')): boolean {
  if (dotenvLoaded) return false;
  dotenvLoaded = true;
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

/** Reads one environment variable, treating an empty string as unset. */
export function readEnvironment(name: string, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = environment[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * A credential from the config, else from the first of `variables` set in the environment (after
 * loading `.env`), wrapped as a Secret. Returns which source was used, for error messages.
 */
export function resolveCredential(
  configured: Secret | string | undefined,
  variables: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
): { secret: Secret; source: string } | undefined {
  if (configured !== undefined) return { secret: Secret.from(configured), source: 'config' };
  if (environment === process.env) loadDotEnv();
  for (const name of variables) {
    const value = readEnvironment(name, environment);
    if (value !== undefined) return { secret: new Secret(value), source: name };
  }
  return undefined;
}
