import { hints } from '@automl/connector-core';

/** What the dashboard may show of a service-account key: never the private key. */
export interface ServiceAccountInfo {
  clientEmail: string;
  projectId?: string;
  /** The specification's sharing hint, with the client_email filled in. */
  sharingHint: string;
}

/**
 * Checks that a pasted or uploaded JSON is a Google service-account key (the same rules as the
 * page's own check: the server never trusts the browser). Returns a field error in words a person
 * can act on, never quoting the content.
 */
export function inspectServiceAccountKey(value: unknown): { ok: true; info: ServiceAccountInfo; json: string } | { ok: false; message: string } {
  let key: unknown = value;
  if (typeof value === 'string') {
    try {
      key = JSON.parse(value);
    } catch {
      return { ok: false, message: 'Not valid JSON: paste the whole key file downloaded from the Google Cloud console.' };
    }
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return { ok: false, message: 'The key must be a JSON object (the downloaded key file).' };
  const record = key as Record<string, unknown>;
  if (record.type !== 'service_account') return { ok: false, message: 'Not a service-account key: "type" must be "service_account".' };
  if (typeof record.client_email !== 'string' || !record.client_email.includes('@')) return { ok: false, message: 'The key has no client_email.' };
  if (typeof record.private_key !== 'string' || !record.private_key.includes('PRIVATE KEY')) return { ok: false, message: 'The key has no private_key.' };
  const info: ServiceAccountInfo = { clientEmail: record.client_email, sharingHint: hints.googleShareWithServiceAccount(record.client_email) };
  if (typeof record.project_id === 'string') info.projectId = record.project_id;
  return { ok: true, info, json: JSON.stringify(record) };
}
