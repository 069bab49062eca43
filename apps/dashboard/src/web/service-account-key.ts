// The page's own check of a service-account key (the server checks again): it tells a person at
// once that a paste is not JSON or not a key, and shows its client_email.

export type KeyCheck = { ok: true; clientEmail: string; json: string } | { ok: false; message: string };

export function checkServiceAccountKey(text: string): KeyCheck {
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    return { ok: false, message: 'Not valid JSON: paste the whole key file downloaded from the Google Cloud console.' };
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return { ok: false, message: 'The key must be a JSON object (the downloaded key file).' };
  const record = key as Record<string, unknown>;
  if (record.type !== 'service_account') return { ok: false, message: 'Not a service-account key: "type" must be "service_account".' };
  if (typeof record.client_email !== 'string' || !record.client_email.includes('@')) return { ok: false, message: 'The key has no client_email.' };
  if (typeof record.private_key !== 'string' || !record.private_key.includes('PRIVATE KEY')) return { ok: false, message: 'The key has no private_key.' };
  return { ok: true, clientEmail: record.client_email, json: text };
}
