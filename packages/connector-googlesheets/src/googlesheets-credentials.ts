import { type ConfigOf, parseServiceAccountKey, resolveServiceAccountKey, type Secret, type ServiceAccountKey } from '@automl/connector-core';

// The key handling is core's (shared with BigQuery): these names stay for this package's users.
export { looksLikeKeyJson } from '@automl/connector-core';

/** The fields of a service-account JSON key the connector uses. */
export type ServiceAccountCredentials = ServiceAccountKey;

/**
 * Finds the service-account key: `credentialsJson` (core fills it from GOOGLE_SHEETS_CREDENTIALS),
 * then `credentialsPath` (GOOGLE_APPLICATION_CREDENTIALS). See core's resolveServiceAccountKey.
 */
export function resolveServiceAccount(config: ConfigOf<'googlesheets'>): Promise<ServiceAccountCredentials> {
  return resolveServiceAccountKey(config, { connector: 'googlesheets', inlineVariable: 'GOOGLE_SHEETS_CREDENTIALS' });
}

/** Parses and checks a JSON key, naming what is wrong without ever echoing a value. */
export function parseServiceAccount(json: Secret, source: string): ServiceAccountCredentials {
  return parseServiceAccountKey(json, source, 'googlesheets');
}
