import { randomBytes } from 'node:crypto';
import { MongoFaultProxy } from '@automl/sandbox/mongodb';
import { type Document, MongoClient } from 'mongodb';
import { inject } from 'vitest';
import type { FerretDbContext } from './ferretdb-global-setup.js';

/** The FerretDB server the global setup started for this run. */
export function ferretDb(): FerretDbContext {
  return inject('ferretdb');
}

/**
 * One test file's slice of the shared server: its own database (so files run in parallel without
 * seeing each other's collections), a direct admin client to seed and count with, and a fault
 * proxy the connector under test goes through.
 */
export class MongoTestDatabase {
  readonly name: string;
  readonly server: FerretDbContext;
  readonly proxy: MongoFaultProxy;
  /** Straight to the server, never through the proxy: what the tests seed and count with. */
  readonly admin: MongoClient;

  private constructor(name: string, server: FerretDbContext, proxy: MongoFaultProxy, admin: MongoClient) {
    this.name = name;
    this.server = server;
    this.proxy = proxy;
    this.admin = admin;
  }

  static async create(prefix: string): Promise<MongoTestDatabase> {
    const server = ferretDb();
    const proxy = new MongoFaultProxy({ host: server.host, port: server.port });
    await proxy.start();
    const admin = new MongoClient(uriOf(server.host, server.port, server.username, server.password), { serverSelectionTimeoutMS: 10_000 });
    await admin.connect();
    return new MongoTestDatabase(`${prefix}_${randomBytes(4).toString('hex')}`, server, proxy, admin);
  }

  /** A URI through the fault proxy (default) or straight to the server, with the run's user or other credentials. */
  uri(options: { direct?: boolean; username?: string; password?: string; database?: boolean } = {}): string {
    const port = options.direct ? this.server.port : this.proxy.port;
    return uriOf(
      this.server.host,
      port,
      options.username ?? this.server.username,
      options.password ?? this.server.password,
      options.database === false ? undefined : this.name,
    );
  }

  /** The connector's config keys for this database through the proxy. */
  config(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      connectionType: 'mongodb',
      connectionUri: this.uri(),
      database: this.name,
      maxRetries: 3,
      retryBackoffSeconds: 0.001,
      maxBackoffSeconds: 0.01,
      ...extra,
    };
  }

  collection(name: string) {
    return this.admin.db(this.name).collection(name);
  }

  /** Replaces the collection (its indexes too) by these documents. */
  async seed(collection: string, documents: Document[]): Promise<void> {
    await this.collection(collection).drop();
    if (documents.length > 0) await this.collection(collection).insertMany(documents.map((document) => ({ ...document })));
  }

  count(collection: string, filter: Document = {}): Promise<number> {
    return this.collection(collection).countDocuments(filter);
  }

  documents(collection: string, filter: Document = {}): Promise<Document[]> {
    return this.collection(collection).find(filter).sort({ _id: 1 }).toArray();
  }

  /** Drops the database and forgets faults and logged commands. */
  async reset(): Promise<void> {
    this.proxy.clearFaults();
    this.proxy.clearLog();
    await this.admin.db(this.name).dropDatabase();
  }

  async stop(): Promise<void> {
    await this.admin
      .db(this.name)
      .dropDatabase()
      .catch(() => undefined);
    await this.admin.close();
    await this.proxy.stop();
  }
}

function uriOf(host: string, port: number, username: string, password: string, database?: string): string {
  return `mongodb://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}:${port}/${database ?? ''}?authSource=admin`;
}
