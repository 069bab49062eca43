/**
 * The last line of defence for write-only secrets: every JSON body the server sends is checked
 * against the secrets it has been handed in this process (submitted values, the private keys inside
 * service-account JSON, the access token) and any occurrence is replaced. Core already scrubs its
 * errors; this covers whatever else could echo a value back (a validation message, a vendor error).
 */
export class SecretScrubber {
  readonly #values = new Set<string>();

  add(value: string): void {
    if (value.length >= 6) this.#values.add(value);
    // A private key also travels with its newlines escaped inside JSON text.
    if (value.includes('\n')) {
      for (const line of value.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) this.#values.add(line);
    }
  }

  /** Registers a submitted secret: a string, or the string fields of a JSON key (its private_key). */
  addSecretValue(value: unknown): void {
    if (typeof value === 'string') {
      this.add(value);
      try {
        this.addSecretValue(JSON.parse(value) as unknown);
      } catch {
        // Not JSON: the string itself is the secret.
      }
      return;
    }
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const field of ['private_key', 'private_key_id', 'client_secret', 'refresh_token']) {
        const inner = record[field];
        if (typeof inner === 'string') this.add(inner);
      }
    }
  }

  scrub(text: string): string {
    let out = text;
    for (const value of this.#values) {
      if (out.includes(value)) out = out.split(value).join('[redacted]');
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value && out.includes(escaped)) out = out.split(escaped).join('[redacted]');
    }
    return out;
  }
}
