import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AuthenticationError, ConfigError } from '../errors/connector-error.js';
import { hints } from '../errors/hints.js';
import { Secret } from './secret.js';

/** The fields of a Google service-account JSON key a connector signs its requests with. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: Secret;
  privateKeyId?: string | undefined;
  projectId?: string | undefined;
  /** Where the key came from, for messages: `credentialsJson` or `credentialsPath`. */
  source: string;
  /** The whole JSON text, for the redactor. */
  json: Secret;
}

/** Which connector asks, and the variables its descriptor fills the two keys from (for messages). */
export interface ServiceAccountKeySource {
  connector: string;
  /** The variable holding the JSON itself (GOOGLE_SHEETS_CREDENTIALS, GOOGLE_BIGQUERY_CREDENTIALS_JSON). */
  inlineVariable: string;
  /** The variable holding a path (GOOGLE_APPLICATION_CREDENTIALS). */
  pathVariable?: string;
}

function invalid(connector: string, source: string, problem: string): AuthenticationError {
  return new AuthenticationError({
    message: `Invalid credentials from ${source}: ${problem}`,
    connector,
    operation: 'connect',
    code: 'INVALID_CREDENTIALS',
    hint: hints.googleInvalidCredentials,
  });
}

/**
 * The service-account key of a Google connector (Sheets, BigQuery), first match wins:
 * `credentialsJson` (an object or JSON text, e.g. from a secret manager), then the file at
 * `credentialsPath`. Core fills both from the descriptor's variables when the config leaves them
 * unset; connectors never read the environment. Files are read into memory only; nothing is written.
 */
export async function resolveServiceAccountKey(
  config: { credentialsJson?: Secret | undefined; credentialsPath?: string | undefined },
  from: ServiceAccountKeySource,
): Promise<ServiceAccountKey> {
  const pathVariable = from.pathVariable ?? 'GOOGLE_APPLICATION_CREDENTIALS';
  if (config.credentialsJson) {
    if (!config.credentialsJson.reveal().trimStart().startsWith('{')) {
      throw invalid(
        from.connector,
        `credentialsJson (${from.inlineVariable})`,
        `it must hold the JSON key itself (starting with "{"); to give a file path, set credentialsPath or ${pathVariable} instead`,
      );
    }
    return parseServiceAccountKey(config.credentialsJson, 'credentialsJson', from.connector);
  }
  if (config.credentialsPath) {
    return parseServiceAccountKey(await readKeyFile(config.credentialsPath, 'credentialsPath', from, pathVariable), 'credentialsPath', from.connector);
  }
  throw new ConfigError({
    message: `No Google service-account credentials: set credentialsJson or credentialsPath, or the environment variable ${from.inlineVariable} (the JSON key) or ${pathVariable} (its path)`,
    connector: from.connector,
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

async function readKeyFile(path: string, source: string, from: ServiceAccountKeySource, pathVariable: string): Promise<Secret> {
  if (looksLikeKeyJson(path)) {
    throw new ConfigError({
      message: `${source} (${pathVariable}) must be the path of the service-account key file, but this looks like the JSON itself: use ${from.inlineVariable} or credentialsJson`,
      connector: from.connector,
      operation: 'connect',
      code: 'KEY_JSON_GIVEN_AS_PATH',
      hint: `Pass the JSON text in credentialsJson (or ${from.inlineVariable}), and keep ${source} for the path of a key file (e.g. /secrets/key.json).`,
    });
  }
  try {
    return new Secret(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new ConfigError({
      message: `Cannot read the service-account key file given by ${source} (${code}): ${printablePath(path)}`,
      connector: from.connector,
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
export function parseServiceAccountKey(json: Secret, source: string, connector: string): ServiceAccountKey {
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
    throw invalid(connector, source, `not valid JSON${where}${escapes}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(connector, source, 'the JSON is not an object');
  const key = parsed as Record<string, unknown>;
  if (key.type !== undefined && key.type !== 'service_account') {
    throw invalid(
      connector,
      source,
      `"type" is ${JSON.stringify(String(key.type).slice(0, 40))}, expected "service_account" (an OAuth client or user credential is not a service-account key)`,
    );
  }
  const missing = ['client_email', 'private_key'].filter((field) => typeof key[field] !== 'string' || key[field] === '');
  if (missing.length > 0) throw invalid(connector, source, `missing ${missing.map((field) => `"${field}"`).join(' and ')}`);
  const clientEmail = key.client_email as string;
  if (!/^[^@\s]+@[^@\s]+$/.test(clientEmail)) throw invalid(connector, source, '"client_email" is not an email address');
  let privateKey = key.private_key as string;
  if (!privateKey.includes('-----BEGIN') || !privateKey.includes('PRIVATE KEY-----')) {
    throw invalid(connector, source, '"private_key" is not a PEM private key (it must start with -----BEGIN PRIVATE KEY-----)');
  }
  // A key pasted through a shell often arrives with its \n escapes doubled: repair it, as gcloud does.
  if (!privateKey.includes('\n') && privateKey.includes('\\n')) privateKey = privateKey.replaceAll('\\n', '\n');
  try {
    createPrivateKey(privateKey);
  } catch {
    throw invalid(connector, source, '"private_key" cannot be read as an RSA private key (truncated, or its line breaks were lost)');
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
