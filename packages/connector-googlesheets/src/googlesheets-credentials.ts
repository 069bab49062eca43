import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AuthenticationError, ConfigError, hints, Secret, type ConfigOf } from '@automl/connector-core';

/** The fields of a service-account JSON key the connector uses. */
export interface ServiceAccountCredentials {
  clientEmail: string;
  privateKey: Secret;
  privateKeyId?: string;
  projectId?: string;
  /** Where the key came from, for messages: `credentialsJson`, `credentialsPath`, an env var name. */
  source: string;
  /** The whole JSON text, for the redactor. */
  json: Secret;
}

const connector = 'googlesheets';

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
 * Finds the service-account key, first match wins: `credentialsJson` (object or string, e.g. from a
 * secret manager), then `credentialsPath`. Core fills them from GOOGLE_SHEETS_CREDENTIALS (the JSON
 * itself) and GOOGLE_APPLICATION_CREDENTIALS (a path) when the config leaves them unset; the
 * connector never reads the environment. Files are read into memory only; nothing is written.
 */
export async function resolveServiceAccount(config: ConfigOf<'googlesheets'>): Promise<ServiceAccountCredentials> {
  if (config.credentialsJson) {
    if (!config.credentialsJson.reveal().trimStart().startsWith('{')) {
      throw invalid(
        'credentialsJson (GOOGLE_SHEETS_CREDENTIALS)',
        'it must hold the JSON key itself (starting with "{"); to give a file path, set credentialsPath or GOOGLE_APPLICATION_CREDENTIALS instead',
      );
    }
    return parseServiceAccount(config.credentialsJson, 'credentialsJson');
  }
  if (config.credentialsPath) return parseServiceAccount(await readKeyFile(config.credentialsPath, 'credentialsPath'), 'credentialsPath');
  throw new ConfigError({
    message:
      'No Google service-account credentials: set credentialsJson or credentialsPath, or the environment variable GOOGLE_SHEETS_CREDENTIALS (the JSON key) or GOOGLE_APPLICATION_CREDENTIALS (its path)',
    connector,
    operation: 'connect',
    hint: 'Create a key under IAM & Admin -> Service Accounts -> Keys -> Add key -> JSON, then pass it by one of these options.',
  });
}

/**
 * Whether a value given as a key file's path is the key itself: `export
 * GOOGLE_APPLICATION_CREDENTIALS="$(cat key.json)"` is a common slip, and echoing that "path" in an
 * error would print the private key.
 */
export function looksLikeKeyJson(path: string): boolean {
  return path.trimStart().startsWith('{') || path.includes('private_key');
}

/** A path shown in a message only when it reads as one: one line of reasonable length. */
function printablePath(path: string): string {
  return path.length <= 512 && !/[\r\n]/.test(path) ? path : '(a value that is not a file path)';
}

async function readKeyFile(path: string, source: string): Promise<Secret> {
  if (looksLikeKeyJson(path)) {
    throw new ConfigError({
      message: `${source} (GOOGLE_APPLICATION_CREDENTIALS) must be the path of the service-account key file, but this looks like the JSON itself: use GOOGLE_SHEETS_CREDENTIALS or credentialsJson`,
      connector,
      operation: 'connect',
      code: 'KEY_JSON_GIVEN_AS_PATH',
      hint: `Pass the JSON text in credentialsJson (or GOOGLE_SHEETS_CREDENTIALS), and keep ${source} for the path of a key file (e.g. /secrets/key.json).`,
    });
  }
  try {
    return new Secret(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new ConfigError({
      message: `Cannot read the service-account key file given by ${source} (${code}): ${printablePath(path)}`,
      connector,
      operation: 'connect',
      code,
      hint: 'Check the path and that the process may read the file.',
    });
  }
}

/**
 * Parses and checks a JSON key, naming what is wrong without ever echoing a value: JSON.parse's own
 * message quotes the input, so only the position is reported.
 */
export function parseServiceAccount(json: Secret, source: string): ServiceAccountCredentials {
  const text = json.reveal();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
    const where = position === undefined ? '' : ` near character ${position}`;
    const escapes = /\n/.test(text.slice(text.indexOf('"private_key"'), text.indexOf('-----END')))
      ? ' (the private_key holds raw line breaks: they must be written as \\n inside the JSON string)'
      : '';
    throw invalid(source, `not valid JSON${where}${escapes}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(source, 'the JSON is not an object');
  const key = parsed as Record<string, unknown>;
  if (key.type !== undefined && key.type !== 'service_account') {
    throw invalid(
      source,
      `"type" is ${JSON.stringify(String(key.type).slice(0, 40))}, expected "service_account" (an OAuth client or user credential is not a service-account key)`,
    );
  }
  const missing = ['client_email', 'private_key'].filter((field) => typeof key[field] !== 'string' || key[field] === '');
  if (missing.length > 0) throw invalid(source, `missing ${missing.map((field) => `"${field}"`).join(' and ')}`);
  const clientEmail = key.client_email as string;
  if (!/^[^@\s]+@[^@\s]+$/.test(clientEmail)) throw invalid(source, '"client_email" is not an email address');
  let privateKey = key.private_key as string;
  if (!privateKey.includes('-----BEGIN') || !privateKey.includes('PRIVATE KEY-----')) {
    throw invalid(source, '"private_key" is not a PEM private key (it must start with -----BEGIN PRIVATE KEY-----)');
  }
  // A key pasted through a shell often arrives with its \n escapes doubled: repair it, as gcloud does.
  if (!privateKey.includes('\n') && privateKey.includes('\\n')) privateKey = privateKey.replaceAll('\\n', '\n');
  try {
    createPrivateKey(privateKey);
  } catch {
    throw invalid(source, '"private_key" cannot be read as an RSA private key (truncated, or its line breaks were lost)');
  }
  return {
    clientEmail,
    privateKey: new Secret(privateKey),
    privateKeyId: typeof key.private_key_id === 'string' ? key.private_key_id : undefined,
    projectId: typeof key.project_id === 'string' ? key.project_id : undefined,
    source,
    json,
  };
}
