import { Secret } from '@automl/connector-core';
import { describe, expect, it } from 'vitest';
import { mongoDbClientSettings } from './mongodb-client-settings.js';

describe('mongoDbClientSettings', () => {
  it('takes an Atlas URI as it is, the database from its path, the driver retries off', () => {
    const settings = mongoDbClientSettings({
      connectionUri: new Secret('mongodb+srv://analyst:p%40ss@cluster0.example.mongodb.net/analytics?retryWrites=true'),
    });
    expect(settings).toMatchObject({ database: 'analytics', identity: 'analyst@cluster0.example.mongodb.net' });
    expect(settings.options).toMatchObject({ retryWrites: false, retryReads: false, serverSelectionTimeoutMS: 5000 });
  });

  it('builds the address from host and port and hands the password to the driver apart from the URI', () => {
    const settings = mongoDbClientSettings({
      host: 'db.internal',
      port: 27018,
      username: 'etl',
      password: new Secret('hunter2-long'),
      database: 'crm',
      tls: true,
    });
    expect(settings.uri).toBe('mongodb://db.internal:27018/');
    expect(settings.options).toMatchObject({ auth: { username: 'etl', password: 'hunter2-long' }, authSource: 'admin', tls: true });
    expect(settings.identity).toBe('etl@db.internal:27018');
  });

  it('prefers an explicit host over a URI (MONGODB_URI from the environment must not override it)', () => {
    const settings = mongoDbClientSettings({ connectionUri: new Secret('mongodb://elsewhere:1/x'), host: 'db.internal', database: 'crm' });
    expect(settings.uri).toBe('mongodb://db.internal:27017/');
  });

  it('asks for a database and a MongoDB URI', () => {
    expect(() => mongoDbClientSettings({ connectionUri: new Secret('mongodb://h:1/') })).toThrow(/No MongoDB database/);
    expect(() => mongoDbClientSettings({ connectionUri: new Secret('postgres://h/db') })).toThrow(/not a MongoDB URI/);
  });
});
