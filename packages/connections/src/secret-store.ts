import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, Secret } from '@automl/connector-core';

/** The environment variable that holds the store's key (32 bytes as base64 or hex, or any passphrase). */
export const secretKeyVariable = 'AUTOML_CONNECTORS_SECRET_KEY';

interface StoreFile {
  version: 1;
  /** id -> base64(iv | tag | ciphertext) */
  secrets: Record<string, string>;
}

/** A 256-bit key from the variable: raw 32 bytes as base64/hex, else derived from the passphrase with scrypt. */
function keyFromText(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const base64 = Buffer.from(trimmed, 'base64');
  if (base64.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(trimmed)) return base64;
  return scryptSync(trimmed, 'automl-connectors secret store v1', 32);
}

/**
 * A local encrypted store for the credentials of a project's connections (AES-256-GCM, one random
 * IV per value, the id as additional data so a value cannot be moved to another id). The key comes
 * from AUTOML_CONNECTORS_SECRET_KEY, else from a key file created on first use with 0600
 * permissions beside the store. The store file itself holds only ciphertext.
 */
export class SecretStore {
  readonly path: string;
  readonly keyPath: string;
  readonly #environment: Readonly<Record<string, string | undefined>>;
  #key: Buffer | undefined;

  constructor(directory: string, environment: Readonly<Record<string, string | undefined>> = process.env) {
    this.path = join(directory, 'secrets.enc.json');
    this.keyPath = join(directory, 'secret.key');
    this.#environment = environment;
  }

  has(id: string): boolean {
    return Object.hasOwn(this.#read().secrets, id);
  }

  get(id: string): Secret | undefined {
    const sealed = this.#read().secrets[id];
    if (sealed === undefined) return undefined;
    const bytes = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#loadKey(false), bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(bytes.subarray(12, 28));
    try {
      return new Secret(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8'));
    } catch {
      throw new ConfigError({
        message: `The secret store cannot decrypt "${id}": wrong key or tampered file (${this.path})`,
        operation: 'secrets',
        hint: `Set ${secretKeyVariable} to the key the store was written with, or add the connection again.`,
      });
    }
  }

  set(id: string, value: string | Secret): void {
    const file = this.#read();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#loadKey(true), iv);
    cipher.setAAD(Buffer.from(id));
    const plain = typeof value === 'string' ? value : value.reveal();
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    file.secrets[id] = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
    this.#write(file);
  }

  delete(id: string): void {
    const file = this.#read();
    if (!Object.hasOwn(file.secrets, id)) return;
    delete file.secrets[id];
    this.#write(file);
  }

  /** Ids of the stored secrets (never their values). */
  ids(): string[] {
    return Object.keys(this.#read().secrets);
  }

  #read(): StoreFile {
    if (!existsSync(this.path)) return { version: 1, secrets: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as StoreFile;
      if (parsed?.version !== 1 || typeof parsed.secrets !== 'object' || parsed.secrets === null) throw new Error('bad shape');
      return { version: 1, secrets: Object.assign(Object.create(null), parsed.secrets) as Record<string, string> };
    } catch {
      throw new ConfigError({
        message: `The secret store ${this.path} is damaged`,
        operation: 'secrets',
        hint: 'Restore it from a backup, or delete it and add the connections again.',
      });
    }
  }

  #write(file: StoreFile): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
  }

  #loadKey(create: boolean): Buffer {
    if (this.#key) return this.#key;
    const fromEnvironment = this.#environment[secretKeyVariable];
    if (fromEnvironment?.trim()) return (this.#key = keyFromText(fromEnvironment));
    if (existsSync(this.keyPath)) return (this.#key = keyFromText(readFileSync(this.keyPath, 'utf8')));
    if (!create) {
      throw new ConfigError({
        message: `No key for the secret store (${this.keyPath} is missing)`,
        operation: 'secrets',
        hint: `Set ${secretKeyVariable}, or restore the key file.`,
      });
    }
    mkdirSync(dirname(this.keyPath), { recursive: true });
    const key = randomBytes(32);
    writeFileSync(this.keyPath, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(this.keyPath, 0o600);
    return (this.#key = key);
  }
}
