import { z } from 'zod';
import { secretField } from '../config/config-fields.js';
import { defineSystem } from './system-descriptor.js';

export const mongoDbSystem = defineSystem({
  id: 'mongodb',
  displayName: 'MongoDB',
  packageName: '@automl/connector-mongodb',
  crm: false,
  summary: 'MongoDB Atlas and self-hosted: collections, filters, keyed upserts',
  fields: {
    /** A standard URI, Atlas `mongodb+srv://user:pass@cluster.mongodb.net/db` included (env MONGODB_URI). */
    connectionUri: secretField().optional(),
    /** The database; defaults to the URI's path. */
    database: z.string().min(1).optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    username: z.string().min(1).optional(),
    password: secretField().optional(),
    /** The database the user is defined in (admin by default with username/password). */
    authSource: z.string().min(1).optional(),
    tls: z.boolean().optional(),
    /** The timestamp field `since` filters on. */
    sinceField: z.string().min(1).optional(),
    /** Decimal128 values read as a JavaScript number (default) or their exact text. */
    decimalAs: z.enum(['number', 'string']).optional(),
    /** Documents `describe()` samples to infer the columns. */
    sampleSize: z.number().int().positive().max(10_000).optional(),
    /** An upsert first creates a unique index on its key column, so concurrent upserts cannot duplicate. */
    createKeyIndex: z.boolean().optional(),
  },
  rate: { requestsPerMinute: 0, windowSeconds: 60, source: 'a database: bounded by the connection pool, not a quota' },
  // MONGODB_URI stands in for the whole address: not taken when the config gives a host.
  environment: [{ key: 'connectionUri', variable: 'MONGODB_URI', group: 'address' }],
  quotaIdentity: ['host', 'database'],
  hints: {
    authenticationFailed:
      'MongoDB refused the user name or password. Check them and the authSource: the database the user was created in (admin by default; Atlas database users always live in admin).',
    serverSelection: "No MongoDB server answered in time. Check the host and port, the network, and for Atlas the project's IP access list (Network Access).",
    srvLookup:
      'The mongodb+srv:// host name did not resolve (DNS SRV lookup). Check the cluster host name in the URI, or use a mongodb:// URI listing the hosts where SRV records cannot be resolved.',
    notAuthorized: 'The MongoDB user lacks a role for this action on this database (read to read, readWrite to write).',
    unsupported: 'This server does not implement the command (FerretDB and some MongoDB-compatible services lack parts of MongoDB).',
  },
});
