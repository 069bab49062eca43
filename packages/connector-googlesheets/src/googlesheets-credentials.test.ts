import { inspect } from 'node:util';
import { ConfigError } from '@automl/connector-core';
import { afterEach, describe, expect, it } from 'vitest';
import { GoogleSheetsConnector } from './googlesheets-connector.js';
import { startFixture, type Fixture } from './test-support/googlesheets-fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  await fixture?.emulator.stop();
  fixture = undefined;
});

describe('a service-account key given where a path is expected', () => {
  it('is never echoed: the error says to pass the JSON as JSON', async () => {
    fixture = await startFixture();
    const { key, emulator, spreadsheetId } = fixture;
    const json = JSON.stringify(key);
    const keyBody = key.private_key.split('\n').filter((line) => line && !line.startsWith('-----'));
    const base = { connectionType: 'googlesheets', spreadsheetId, baseUrl: emulator.url };
    const attempts: Array<() => GoogleSheetsConnector> = [
      () => new GoogleSheetsConnector({ ...base, credentialsPath: json }),
      () => new GoogleSheetsConnector({ ...base, credentialsPath: JSON.stringify(key, null, 2) }),
      () => {
        // export GOOGLE_APPLICATION_CREDENTIALS="$(cat key.json)"
        process.env.GOOGLE_APPLICATION_CREDENTIALS = JSON.stringify(key, null, 2);
        return new GoogleSheetsConnector(base);
      },
    ];
    for (const create of attempts) {
      const error = await create()
        .connect()
        .catch((caught: unknown) => caught);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('this looks like the JSON itself: use GOOGLE_SHEETS_CREDENTIALS or credentialsJson');
      const tested = await create().testConnection();
      expect(tested.ok).toBe(false);
      expect(tested.error?.message).toContain('this looks like the JSON itself');
      const connector = create();
      const everything = [
        (error as Error).message,
        (error as Error).stack,
        inspect(error, { depth: 8 }),
        JSON.stringify(error),
        JSON.stringify(tested),
        inspect(connector, { depth: 8 }),
        JSON.stringify(connector),
      ].join('\n');
      for (const secret of [key.private_key_id, ...keyBody]) expect(everything).not.toContain(secret);
      expect(everything).not.toContain('PRIVATE KEY');
    }
  });

  it('a path that cannot be read is named, when it reads as a path', async () => {
    fixture = await startFixture();
    const base = { connectionType: 'googlesheets', spreadsheetId: fixture.spreadsheetId, baseUrl: fixture.emulator.url };
    const error = await new GoogleSheetsConnector({ ...base, credentialsPath: '/nowhere/key.json' }).connect().catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Cannot read the service-account key file given by credentialsPath \(ENOENT\): \/nowhere\/key\.json/);
  });
});
