import { type ConfigOf, parseServiceAccountKey, resolveServiceAccountKey, type Secret, type ServiceAccountKey } from '@automl/connector-core';

export type { ServiceAccountKey };

/**
 * The service-account key: `credentialsJson` (an object or JSON text from a secret manager; core
 * fills it from GOOGLE_BIGQUERY_CREDENTIALS_JSON), then the file at `credentialsPath`
 * (GOOGLE_APPLICATION_CREDENTIALS). Read into memory only. The handling is core's, shared with Sheets.
 */
export function resolveServiceAccount(config: ConfigOf<'bigquery'>): Promise<ServiceAccountKey> {
  return resolveServiceAccountKey(config, { connector: 'bigquery', inlineVariable: 'GOOGLE_BIGQUERY_CREDENTIALS_JSON' });
}

/** Parses and checks a JSON key without ever echoing a value. */
export function parseServiceAccount(json: Secret, source: string): ServiceAccountKey {
  return parseServiceAccountKey(json, source, 'bigquery');
}
