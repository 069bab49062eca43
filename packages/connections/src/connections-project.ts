import { dirname, join } from 'node:path';
import {
  ConfigError,
  type Connector,
  type ConnectorOptions,
  type ConnectionType,
  createConnector,
  normaliseConfigKeys,
  parseConnectionConfig,
  Secret,
  systemDescriptor,
} from '@automl/connector-core';
import { checkConnectionName, type ConnectionEntry, findConnectionsFile, readConnectionsFile, writeConnectionsFile } from './connections-file.js';
import { secretFieldsOf } from './secret-fields.js';
import { formatSecretReference, parseSecretReference, resolveSecretReference } from './secret-reference.js';
import { SecretStore } from './secret-store.js';

export interface ProjectOptions {
  /** The working directory (default: process.cwd()). */
  cwd?: string;
  /** `--config`: a connections file elsewhere. */
  configPath?: string;
  /** Where references `env:` and the descriptors' fallbacks look (default: process.env). */
  environment?: Readonly<Record<string, string | undefined>>;
}

/** What a person may see of a connection: never a secret, only where each one comes from. */
export interface ConnectionSummary {
  name: string;
  connectionType: ConnectionType;
  displayName: string;
  crm: boolean;
  /** Non-secret settings as written. */
  settings: Record<string, unknown>;
  /** Per secret field: `env:NAME`, `file:path`, `store` (encrypted here) or `plain text in the file`. */
  secrets: Record<string, string>;
}

export interface ResolvedConnection {
  name: string;
  connectionType: ConnectionType;
  /** The config with secrets as Secret objects, ready for createConnector. */
  config: Record<string, unknown>;
  /** Environment variables that would supply a missing credential (for "skipped: set X"). */
  missingCredentials: string[];
}

/**
 * A project's named connections: one file (`automl-connectors.json` / `.yaml` in the working
 * directory, or `--config`), validated by core with every bad field named, whose secret fields hold
 * references (`env:HUBSPOT_API_KEY`, `file:./key.json`) or `store:<id>` entries of the local
 * encrypted store in `.automl-connectors/` beside it. Plain-text secrets in a hand-written file are
 * read (with a warning from `warnings()`), never written.
 */
export class ConnectionsProject {
  readonly path: string;
  readonly directory: string;
  readonly store: SecretStore;
  readonly #environment: Readonly<Record<string, string | undefined>>;

  constructor(options: ProjectOptions = {}) {
    const cwd = options.cwd ?? process.cwd();
    this.path = findConnectionsFile(cwd, options.configPath);
    this.directory = dirname(this.path);
    this.#environment = options.environment ?? process.env;
    this.store = new SecretStore(join(this.directory, '.automl-connectors'), this.#environment);
  }

  #entries(): Record<string, ConnectionEntry> {
    return readConnectionsFile(this.path).connections;
  }

  names(): string[] {
    return Object.keys(this.#entries()).sort();
  }

  has(name: string): boolean {
    return Object.hasOwn(this.#entries(), name);
  }

  #entry(name: string): ConnectionEntry {
    const entry = this.#entries()[name];
    if (!entry) {
      throw new ConfigError({
        message: `No connection named "${name}" in ${this.path}`,
        operation: 'connections',
        hint: `Known: ${this.names().join(', ') || 'none'}. Add one with \`automl-connectors connections add\`.`,
      });
    }
    return entry;
  }

  summary(name: string): ConnectionSummary {
    const entry = this.#entry(name);
    const connectionType = entry.connectionType as ConnectionType;
    const descriptor = systemDescriptor(connectionType);
    const secretFields = new Set(secretFieldsOf(connectionType));
    const settings: Record<string, unknown> = {};
    const secrets: Record<string, string> = {};
    for (const [key, value] of Object.entries(entry)) {
      if (!secretFields.has(key)) {
        settings[key] = value;
        continue;
      }
      const reference = parseSecretReference(value);
      secrets[key] = reference ? (reference.kind === 'store' ? 'store' : formatSecretReference(reference)) : 'plain text in the file';
    }
    return { name, connectionType, displayName: descriptor.displayName, crm: descriptor.crm, settings, secrets };
  }

  list(): ConnectionSummary[] {
    return this.names().map((name) => this.summary(name));
  }

  /** Plain-text secrets in the file: each is a warning to move it to the store or a reference. */
  warnings(): string[] {
    return this.list().flatMap((connection) =>
      Object.entries(connection.secrets)
        .filter(([, source]) => source === 'plain text in the file')
        .map(([field]) => `${connection.name}.${field} is plain text in ${this.path}: store it (connections add) or use env:VARIABLE`),
    );
  }

  /**
   * Adds or replaces a connection. Secret values that are references are kept as written; plain
   * values go into the encrypted store and the file gets `store:<name>.<field>`. The config is
   * validated by core first (every bad field named, prefixed with the connection's name).
   */
  add(name: string, config: Record<string, unknown>, options: { replace?: boolean } = {}): ConnectionSummary {
    checkConnectionName(name);
    const document = readConnectionsFile(this.path);
    if (Object.hasOwn(document.connections, name) && !options.replace) {
      throw new ConfigError({
        message: `A connection named "${name}" exists already`,
        operation: 'connections',
        hint: 'Remove it first, or choose another name.',
      });
    }
    const placeholder = this.#validate(name, config);
    const connectionType = placeholder.connectionType as ConnectionType;
    const entry: ConnectionEntry = { connectionType };
    const secretFields = new Set(secretFieldsOf(connectionType));
    const stored: Array<[string, string | Secret]> = [];
    for (const [key, value] of Object.entries(placeholder.original)) {
      if (key === 'connectionType' || value === undefined || value === '') continue;
      if (!secretFields.has(key)) {
        entry[key] = value;
        continue;
      }
      const reference = parseSecretReference(value);
      if (reference) {
        entry[key] = formatSecretReference(reference);
        continue;
      }
      const id = `${name}.${key}`;
      const secret = Secret.isInstance(value) ? value : typeof value === 'string' ? value : JSON.stringify(value);
      stored.push([id, secret]);
      entry[key] = `store:${id}`;
    }
    for (const [id, secret] of stored) this.store.set(id, secret);
    document.connections[name] = entry;
    writeConnectionsFile(this.path, document);
    return this.summary(name);
  }

  remove(name: string): void {
    const document = readConnectionsFile(this.path);
    const entry = document.connections[name];
    if (!entry) this.#entry(name);
    for (const value of Object.values(entry ?? {})) {
      const reference = parseSecretReference(value);
      if (reference?.kind === 'store') this.store.delete(reference.id);
    }
    delete document.connections[name];
    writeConnectionsFile(this.path, document);
  }

  /** The connection's config with its secrets resolved, and the variables a missing credential would come from. */
  resolve(name: string): ResolvedConnection {
    const entry = this.#entry(name);
    const connectionType = entry.connectionType as ConnectionType;
    const secretFields = secretFieldsOf(connectionType);
    const config: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const [key, value] of Object.entries(entry)) {
      const reference = secretFields.includes(key) ? parseSecretReference(value) : undefined;
      if (!reference) {
        config[key] = secretFields.includes(key) && typeof value === 'string' ? new Secret(value) : value;
        continue;
      }
      const secret = resolveSecretReference(reference, `${name}.${key}`, { directory: this.directory, environment: this.#environment, store: this.store });
      if (secret) config[key] = secret;
      else if (reference.kind === 'env') missing.push(reference.name);
    }
    // Fill from the descriptor's variables as the library would, to tell "no credentials" apart.
    const descriptor = systemDescriptor(connectionType);
    const parsed = parseConnectionConfig(config, connectionType, { environment: this.#environment }) as Record<string, unknown>;
    const hasSecret = secretFields.some((field) => parsed[field] !== undefined);
    if (secretFields.length > 0 && !hasSecret && missing.length === 0) {
      for (const fallback of descriptor.environment) if (secretFields.includes(fallback.key)) missing.push(fallback.variable);
    }
    return { name, connectionType, config, missingCredentials: hasSecret ? [] : missing };
  }

  /** A connector for a named connection (credentials from the file, its references, the store, then the environment). */
  async open(name: string, options: ConnectorOptions = {}): Promise<Connector> {
    const { config } = this.resolve(name);
    return createConnector(config, { environment: this.#environment, ...options });
  }

  #validate(name: string, config: Record<string, unknown>): { connectionType: string; original: Record<string, unknown> } {
    let normalised: Record<string, unknown>;
    try {
      normalised = normaliseConfigKeys(config);
    } catch (error) {
      throw prefixed(error, name);
    }
    const connectionType = String(normalised.connectionType ?? '');
    // Validate with references standing in as strings (a reference is a valid non-empty secret).
    try {
      parseConnectionConfig(normalised, undefined, { environment: false });
    } catch (error) {
      throw prefixed(error, name);
    }
    return { connectionType, original: normalised };
  }
}

function prefixed(error: unknown, name: string): unknown {
  if (!ConfigError.isInstance(error)) return error;
  const issues = (error as ConfigError).issues.map((issue) => ({ path: `${name}.${issue.path}`, message: issue.message }));
  const next = new ConfigError({
    message: `Invalid connection "${name}": ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') || error.message}`,
    operation: 'connections',
    ...(error.hint ? { hint: error.hint } : {}),
  });
  next.issues = issues;
  return next;
}
