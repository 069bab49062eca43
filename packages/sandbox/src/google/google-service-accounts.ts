import { createPublicKey, createVerify, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';

/** A service-account JSON key, in the shape the Cloud Console downloads. */
export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

export interface ServiceAccountRecord {
  clientEmail: string;
  projectId: string;
  projectNumber: string;
  /** Public keys by private_key_id: what Google publishes for the account, and all it verifies with. */
  publicKeys: Record<string, string>;
  /** The generated JSON keys, kept so a persisted sandbox can hand the same credentials out again. */
  keys: ServiceAccountKey[];
}

/** Who a verified credential belongs to, and what it may do. */
export interface Caller {
  clientEmail: string;
  /** Granted scopes; undefined for an audience-bound self-signed JWT (full access to the audience). */
  scopes?: string[];
}

export type VerifyResult = { ok: true; claims: Record<string, unknown>; account: ServiceAccountRecord } | { ok: false; reason: string };

/** The audience a self-signed JWT for the Sheets API carries (JWTAccess with defaultServicePath). */
export const SHEETS_AUDIENCE = 'https://sheets.googleapis.com/';
/** The token URL google-auth-library signs its assertions for, whatever token_uri says. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** Google refuses assertions and self-signed tokens valid for more than an hour. */
const MAX_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 300;

/**
 * The service accounts the emulator knows: RSA key pairs generated for the tests, and the checks
 * Google makes on a JWT signed with one (RS256 signature by a registered key, iss/sub, audience or
 * scope, short lifetime, not expired).
 */
export class ServiceAccountRegistry {
  readonly #accounts = new Map<string, ServiceAccountRecord>();

  create(options: { clientEmail?: string; projectId?: string; projectNumber?: string; tokenUri: string }): ServiceAccountKey {
    const projectId = options.projectId ?? 'automl-sandbox';
    const clientEmail = options.clientEmail ?? `sheets-${randomBytes(3).toString('hex')}@${projectId}.iam.gserviceaccount.com`;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const privateKeyId = randomBytes(20).toString('hex');
    const key: ServiceAccountKey = {
      type: 'service_account',
      project_id: projectId,
      private_key_id: privateKeyId,
      private_key: privateKey,
      client_email: clientEmail,
      client_id: String(BigInt(`0x${randomBytes(9).toString('hex')}`)),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: options.tokenUri,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
      universe_domain: 'googleapis.com',
    };
    const existing = this.#accounts.get(clientEmail);
    const record: ServiceAccountRecord = existing ?? {
      clientEmail,
      projectId,
      projectNumber: options.projectNumber ?? projectNumberFor(projectId),
      publicKeys: {},
      keys: [],
    };
    record.publicKeys[privateKeyId] = publicKey;
    record.keys.push(key);
    this.#accounts.set(clientEmail, record);
    return key;
  }

  get(clientEmail: string): ServiceAccountRecord | undefined {
    return this.#accounts.get(clientEmail);
  }

  /** Deletes one key, as the Console's "Delete key" does: JWTs it signs are refused from then on. */
  revokeKey(privateKeyId: string): boolean {
    for (const record of this.#accounts.values()) {
      if (privateKeyId in record.publicKeys) {
        delete record.publicKeys[privateKeyId];
        record.keys = record.keys.filter((key) => key.private_key_id !== privateKeyId);
        return true;
      }
    }
    return false;
  }

  /** Verifies a compact JWS: RS256 by a registered key of its issuer, sane lifetime, not expired. */
  verify(token: string, now = Math.floor(Date.now() / 1000)): VerifyResult {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'not a JWT' };
    const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return { ok: false, reason: 'malformed JWT' };
    }
    if (header.alg !== 'RS256') return { ok: false, reason: 'unsupported algorithm' };
    const account = typeof claims.iss === 'string' ? this.#accounts.get(claims.iss) : undefined;
    if (!account) return { ok: false, reason: 'unknown issuer' };
    if (claims.sub !== undefined && claims.sub !== account.clientEmail) return { ok: false, reason: 'sub does not match iss' };
    const candidates =
      typeof header.kid === 'string' ? [account.publicKeys[header.kid]].filter((key): key is string => key !== undefined) : Object.values(account.publicKeys);
    const signed = `${encodedHeader}.${encodedPayload}`;
    const valid = candidates.some((pem) => {
      const verifier = createVerify('RSA-SHA256');
      verifier.update(signed);
      return verifier.verify(createPublicKey(pem), Buffer.from(signature, 'base64url'));
    });
    if (!valid) return { ok: false, reason: 'Invalid JWT Signature.' };
    const issuedAt = Number(claims.iat);
    const expires = Number(claims.exp);
    if (!Number.isFinite(issuedAt) || !Number.isFinite(expires) || expires - issuedAt > MAX_LIFETIME_SECONDS || issuedAt > now + CLOCK_SKEW_SECONDS) {
      return {
        ok: false,
        reason: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      };
    }
    if (expires <= now) return { ok: false, reason: 'expired' };
    return { ok: true, claims, account };
  }

  export(): ServiceAccountRecord[] {
    return [...this.#accounts.values()];
  }

  import(records: ServiceAccountRecord[]): void {
    this.#accounts.clear();
    for (const record of records) this.#accounts.set(record.clientEmail, record);
  }
}

/** A stable 12-digit project number for a project id, as Google assigns one per project. */
function projectNumberFor(projectId: string): string {
  let hash = 0;
  for (const character of projectId) hash = (hash * 31 + character.charCodeAt(0)) % 1e11;
  return String(100_000_000_000 + hash);
}

/** An opaque OAuth2 access token, as the token endpoint issues them. */
export function newAccessToken(): string {
  return `ya29.sandbox-${randomUUID().replaceAll('-', '')}`;
}
