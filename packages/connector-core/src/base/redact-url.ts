const REDACTED = '[REDACTED]';
/** Query parameters that carry credentials in the URLs people paste (tokens, keys, signatures). */
const secretParameters = /^(?:.*token.*|.*key.*|.*secret.*|.*password.*|sig|signature|auth.*|code)$/i;

/** A URL safe to print: user info and credential-looking query values replaced. */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return REDACTED;
  }
  let changed = false;
  if (url.username) {
    url.username = REDACTED;
    changed = true;
  }
  if (url.password) {
    url.password = REDACTED;
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (secretParameters.test(name)) {
      url.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  // Unchanged URLs are returned as given (no normalisation surprises in logs).
  return changed ? url.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED) : value;
}
