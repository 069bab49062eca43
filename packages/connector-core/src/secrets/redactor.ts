import { REDACTED, Secret } from './secret.js';

/**
 * Below this length a secret is redacted only where it stands as a whole token (not inside a longer
 * word or number): a 4-character password "blue" must vanish from "password=blue" and from
 * "user:blue@host", but not turn "bluetooth" into "[REDACTED]tooth". Longer values are redacted
 * wherever they appear, since a 6+ character credential inside a longer string is still a leak
 * (a token glued into a URL path) and rarely an ordinary word.
 */
const wholeTokenBelow = 6;

/** Offset forms of base64 shorter than this are not registered: too short to be told from noise. */
const minBase64CoreLength = 8;

/** The characters a token boundary is measured against: a short secret is not redacted inside a run of them. */
const tokenCharacter = '[A-Za-z0-9]';

/**
 * Scrubs known secret values out of text before it leaves the library (error messages, log lines).
 * Vendor SDKs sometimes echo a token or a request URL carrying an API key in their own errors; the
 * connector registers every credential here and core redacts what passes through the policy.
 *
 * Each secret is registered with the forms it travels in:
 * - URL-encoded (`encodeURIComponent`, and form encoding with `+` for spaces): query strings, bodies;
 * - JSON-escaped (a private key's newlines as `\n`): request bodies and JSON error payloads;
 * - base64 and base64url, whole and at the three byte offsets, so the secret is found inside a
 *   longer encoded value too: `Authorization: Basic base64(user:password)` holds the password's
 *   base64 only at an offset (the technique GitHub Actions' runner uses to mask secrets).
 */
export class Redactor {
  /** Values redacted wherever they appear, longest first when redacting. */
  readonly #values = new Set<string>();
  /** Short values, redacted as whole tokens only. */
  readonly #tokens = new Set<string>();
  #sorted: string[] | undefined;
  #tokenPattern: RegExp | null | undefined;

  constructor(secrets: Iterable<string | Secret | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string | Secret | undefined): void {
    if (secret === undefined) return;
    const value = Secret.isInstance(secret) ? secret.reveal() : secret;
    if (value.length === 0) return;
    for (const form of encodedForms(value)) this.#register(form);
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
      for (const line of value.split(/\r?\n|\\n/)) if (line.length >= 16 && !line.startsWith('-----')) this.#register(line);
    }
  }

  redact(text: string): string {
    let result = text;
    this.#sorted ??= [...this.#values].sort((a, b) => b.length - a.length);
    for (const value of this.#sorted) {
      if (result.includes(value)) result = result.split(value).join(REDACTED);
    }
    const tokens = this.#tokenRegExp();
    if (tokens) result = result.replace(tokens, REDACTED);
    // Credentials in URLs (mongodb://user:pass@host) and auth headers, even if never registered.
    result = result.replace(/(\/\/[^\s:/@]+:)[^\s@/]+@/g, `$1${REDACTED}@`);
    result = result.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`);
    // Only in a header's context: "Basic authentication failed" is prose, not a credential.
    result = result.replace(/(\bauthorization["']?\s*[:=]\s*["']?Basic\s+)[A-Za-z0-9+/]+={0,2}/gi, `$1${REDACTED}`);
    result = result.replace(/([?&](?:api_token|api_key|apikey|access_token|key|token|hapikey)=)[^&\s"']+/gi, `$1${REDACTED}`);
    return result;
  }

  #register(form: string): void {
    if (form.length === 0) return;
    if (form.length < wholeTokenBelow) {
      if (this.#tokens.has(form)) return;
      this.#tokens.add(form);
      this.#tokenPattern = undefined;
      return;
    }
    if (this.#values.has(form)) return;
    this.#values.add(form);
    this.#sorted = undefined;
  }

  #tokenRegExp(): RegExp | null {
    if (this.#tokenPattern !== undefined) return this.#tokenPattern;
    if (this.#tokens.size === 0) return (this.#tokenPattern = null);
    const alternatives = [...this.#tokens].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#tokenPattern = new RegExp(`(?<!${tokenCharacter})(?:${alternatives.join('|')})(?!${tokenCharacter})`, 'g');
    return this.#tokenPattern;
  }
}

/** The value and the encodings it is sent in (see the class comment). */
function encodedForms(value: string): Set<string> {
  const forms = new Set<string>([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)]);
  forms.add(JSON.stringify(value).slice(1, -1));
  for (const form of base64Forms(value)) forms.add(form);
  return forms;
}

function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  const whole = bytes.toString('base64');
  forms.push(whole, whole.replace(/=+$/, ''));
  // Inside a longer value the secret starts at byte offset 0, 1 or 2 of a 3-byte group: keep the
  // characters that depend on the secret's bytes alone (see the table in `offsetCore`).
  for (const shift of [0, 1, 2]) {
    const core = offsetCore(bytes, shift);
    if (core.length >= minBase64CoreLength) forms.push(core);
  }
  return [...forms, ...forms.map(toBase64Url)];
}

/**
 * The base64 characters of `bytes` preceded by `shift` unknown bytes and followed by unknown ones
 * that depend on `bytes` alone: each output character covers 6 bits, so in the first group the
 * characters mixing a preceding byte are skipped (2 for shift 1, 3 for shift 2), and at the end only
 * the characters whose 6 bits come from the secret are kept (1 more for one trailing byte, 2 for two).
 */
function offsetCore(bytes: Buffer, shift: number): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
  const total = shift + bytes.length;
  const start = [0, 2, 3][shift]!;
  const end = 4 * Math.floor(total / 3) + [0, 1, 2][total % 3]!;
  return end > start ? encoded.slice(start, end) : '';
}

function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
