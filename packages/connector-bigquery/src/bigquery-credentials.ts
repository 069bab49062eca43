import { readFile } from 'node:fs/promises';
import { AuthenticationError, ConfigError, type ConfigOf, hints, Secret } from '@automl/connector-core';

/** The fields of a service-account JSON key the connector signs its JWTs with. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: Secret;
  privateKeyId?: string;
  projectId?: string;
  /** Where the key came from, for messages: `credentialsJson` or `credentialsPath`. */
  source: string;
  /** The whole JSON text, for the redactor. */
  json: Secret;
}

const connector = 'bigquery';

function invalid(source: string, problem: string): AuthenticationError {
  return new AuthenticationError({
    message: `Invalid credentials from ${source}: ${problem}`,
    connector,
    operation: 'connect',
    code: 'INVALID_CREDENTIALS',
    hint: hints.googleInvalidCredentials,
  });
}

/**
 * The service-account key, from `credentialsJson` (an object or JSON text, e.g. from a secret
 * manager; core fills it from GOOGLE_BIGQUERY_CREDENTIALS_JSON) or the file at `credentialsPath`
 * (GOOGLE_APPLICATION_CREDENTIALS). Read into memory only: nothing is written to disk.
 */
export async function resolveServiceAccount(config: ConfigOf<'bigquery'>): Promise<ServiceAccountKey> {
  if (config.credentialsJson) return parseServiceAccount(config.credentialsJson, 'credentialsJson');
  if (config.credentialsPath) {
    if (config.credentialsPath.trimStart().startsWith('{')) {
      throw new ConfigError({
        message: 'credentialsPath must be the path of the key file, but it holds the JSON itself',
        connector,
        operation: 'connect',
        code: 'KEY_JSON_GIVEN_AS_PATH',
        hint: 'Pass the JSON in credentialsJson (GOOGLE_BIGQUERY_CREDENTIALS_JSON), or the file path in credentialsPath (GOOGLE_APPLICATION_CREDENTIALS).',
      });
    }
    let text: string;
    try {
      text = await readFile(config.credentialsPath, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      throw new ConfigError({
        message: `Cannot read the service-account key file (${code}): ${config.credentialsPath.slice(0, 256)}`,
        connector,
        operation: 'connect',
        code,
        hint: 'Check the path and that the process may read the file.',
      });
    }
    return parseServiceAccount(new Secret(text), 'credentialsPath');
  }
  throw new ConfigError({
    message:
      'No Google service-account credentials: set credentialsJson or credentialsPath, or GOOGLE_BIGQUERY_CREDENTIALS_JSON (the JSON key) or GOOGLE_APPLICATION_CREDENTIALS (its path)',
    connector,
    operation: 'connect',
    hint: 'Create a key under IAM & Admin -> Service Accounts -> Keys -> Add key -> JSON.',
  });
}

/** Parses and checks a JSON key without ever echoing a value (JSON.parse's own message quotes its input). */
export function parseServiceAccount(json: Secret, source: string): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.reveal());
  } catch {
    throw invalid(source, 'not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(source, 'the JSON is not an object');
  const key = parsed as Record<string, unknown>;
  if (key.type !== undefined && key.type !== 'service_account') throw invalid(source, '"type" must be "service_account"');
  const missing = ['client_email', 'private_key'].filter((field) => typeof key[field] !== 'string' || key[field] === '');
  if (missing.length > 0) throw invalid(source, `missing ${missing.map((field) => `"${field}"`).join(' and ')}`);
  const privateKey = key.private_key as string;
  if (!privateKey.includes('-----BEGIN') || !privateKey.includes('PRIVATE KEY-----')) throw invalid(source, '"private_key" is not a PEM private key');
  return {
    clientEmail: key.client_email as string,
    privateKey: new Secret(privateKey),
    privateKeyId: typeof key.private_key_id === 'string' ? key.private_key_id : undefined,
    projectId: typeof key.project_id === 'string' ? key.project_id : undefined,
    source,
    json,
  };
}
