import { REDACTED, Secret } from './secret.js';

/**
 * Scrubs known secret values out of text before it leaves the library (error messages, log lines).
 * Vendor SDKs sometimes echo a token or a request URL carrying an API key in their own errors; the
 * connector registers every credential here and core redacts what passes through the policy.
 */
export class Redactor {
  readonly #values = new Set<string>();

  constructor(secrets: Iterable<string | Secret | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string | Secret | undefined): void {
    if (secret === undefined) return;
    const value = Secret.isInstance(secret) ? secret.reveal() : secret;
    // Very short values would redact ordinary words; real credentials are longer.
    if (value.length < 6) return;
    this.#values.add(value);
    // A JSON credential (service-account key) leaks by its parts too: the private key and its lines.
    if (value.trimStart().startsWith('{')) {
      try {
        const parsed = JSON.parse(value) as Record<string, unknown>;
        for (const key of ['private_key', 'private_key_id', 'client_secret', 'refresh_token']) {
          const part = parsed[key];
          if (typeof part === 'string') this.add(part);
        }
      } catch {
        // not JSON: the whole value is already registered
      }
    }
    if (value.includes('-----BEGIN')) {
      for (const line of value.split(/\r?\n|\\n/)) if (line.length >= 16 && !line.startsWith('-----')) this.#values.add(line);
    }
    // URL-encoded and base64 forms appear in query strings and basic-auth headers.
    this.#values.add(encodeURIComponent(value));
  }

  redact(text: string): string {
    let result = text;
    for (const value of this.#values) {
      if (result.includes(value)) result = result.split(value).join(REDACTED);
    }
    // Credentials in URLs (mongodb://user:pass@host) and bearer headers, even if never registered.
    result = result.replace(/(\/\/[^\s:/@]+:)[^\s@/]+@/g, `$1${REDACTED}@`);
    result = result.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`);
    result = result.replace(/([?&](?:api_token|api_key|apikey|access_token|key|token|hapikey)=)[^&\s"']+/gi, `$1${REDACTED}`);
    return result;
  }
}
