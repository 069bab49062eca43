import { ConfigError, type Secret } from '@automl/connector-core';
import type { MongoClientOptions } from 'mongodb';

/** The config keys the client is built from (a slice of the mongodb descriptor's fields). */
export interface MongoDbAddress {
  connectionUri?: Secret | undefined;
  host?: string | undefined;
  port?: number | undefined;
  username?: string | undefined;
  password?: Secret | undefined;
  authSource?: string | undefined;
  tls?: boolean | undefined;
  database?: string | undefined;
  connectTimeoutSeconds?: number | undefined;
}

export interface MongoDbClientSettings {
  /** Holds the password when the config gave a URI: only ever handed to the driver. */
  uri: string;
  options: MongoClientOptions;
  database: string;
  /** `user@host` for testConnection, never a password. */
  identity: string;
}

const DEFAULT_PORT = 27017;
const DEFAULT_SERVER_SELECTION_SECONDS = 5;
const URI = /^(mongodb(?:\+srv)?):\/\/(?:([^:@/]*)(?::[^@/]*)?@)?([^/?]*)(?:\/([^?]*))?/;

/**
 * The driver's URI and options from the config: a full URI (Atlas `mongodb+srv://...` or
 * MONGODB_URI) or host/port/username/password. With separate keys the password goes to the
 * driver as `auth`, never into a URI string. The driver's own retries are off (`retryWrites`,
 * `retryReads`): core's policy is the one place that retries, and every write here is safe to
 * repeat without them. Server selection waits 5 s by default (connectTimeoutSeconds) instead of the driver's 30 s.
 */
export function mongoDbClientSettings(config: MongoDbAddress): MongoDbClientSettings {
  const serverSelectionTimeoutMS = (config.connectTimeoutSeconds ?? DEFAULT_SERVER_SELECTION_SECONDS) * 1000;
  const options: MongoClientOptions = {
    serverSelectionTimeoutMS,
    connectTimeoutMS: serverSelectionTimeoutMS,
    retryWrites: false,
    retryReads: false,
    appName: 'automl-connectors',
    ...(config.tls !== undefined ? { tls: config.tls } : {}),
  };

  // host/port win when given: MONGODB_URI from the environment must not override an explicit address.
  if (config.connectionUri && !config.host) {
    const uri = config.connectionUri.reveal();
    const parts = URI.exec(uri);
    if (!parts) {
      throw new ConfigError({
        message: 'connectionUri is not a MongoDB URI: it must start with mongodb:// or mongodb+srv://',
        connector: 'mongodb',
        operation: 'connect',
      });
    }
    if (config.authSource) options.authSource = config.authSource;
    const database = config.database ?? decodeURIComponent(parts[4] ?? '');
    return {
      uri,
      options,
      database: requireDatabase(database),
      identity: `${parts[2] ? `${decodeURIComponent(parts[2])}@` : ''}${parts[3]}`,
    };
  }

  if (!config.host) {
    throw new ConfigError({
      message: 'No MongoDB address: set connectionUri (or MONGODB_URI in the environment), or host with port, username and password.',
      connector: 'mongodb',
      operation: 'connect',
      hint: 'An Atlas URI looks like mongodb+srv://user:pass@cluster0.example.mongodb.net/analytics',
    });
  }
  const port = config.port ?? DEFAULT_PORT;
  if (config.username) {
    options.auth = { username: config.username, ...(config.password ? { password: config.password.reveal() } : {}) };
    options.authSource = config.authSource ?? 'admin';
  }
  return {
    uri: `mongodb://${config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host}:${port}/`,
    options,
    database: requireDatabase(config.database ?? ''),
    identity: `${config.username ? `${config.username}@` : ''}${config.host}:${port}`,
  };
}

function requireDatabase(database: string): string {
  if (database) return database;
  const error = new ConfigError({
    message: 'No MongoDB database: set database in the config or name it in the URI path (mongodb+srv://.../analytics).',
    connector: 'mongodb',
    operation: 'connect',
  });
  error.issues = [{ path: 'database', message: 'is required' }];
  throw error;
}
