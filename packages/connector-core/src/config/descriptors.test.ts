import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SlidingWindowRateLimiter } from '../policy/rate-limiter.js';
import { loadEnvFile } from '../secrets/environment.js';
import { systems } from '../systems/index.js';
import { rateDefaults } from './defaults.js';
import { configJsonSchema, connectionTypes } from './connection-config.js';
import { parseConnectionConfig } from './parse-connection-config.js';

describe('system descriptors', () => {
  it('derive the config union: every system, and nothing else', () => {
    expect(connectionTypes).toEqual(systems.map((system) => system.id));
    expect(new Set(systems.map((system) => system.packageName)).size).toBe(systems.length);
  });

  it("export each system's JSON Schema with its secret fields marked write-only", () => {
    const hubspot = configJsonSchema('hubspot') as { properties: Record<string, Record<string, unknown>>; additionalProperties?: unknown };
    expect(hubspot.properties.apiKey).toMatchObject({ secret: true, writeOnly: true });
    expect(hubspot.properties.requestsPerMinute).toBeDefined();
    expect(hubspot.additionalProperties).toBe(false);
    const sheets = configJsonSchema('googlesheets') as { properties: Record<string, Record<string, unknown>> };
    expect(sheets.properties.credentialsJson).toMatchObject({ secret: true, format: 'service-account-json' });
    expect(sheets.properties.spreadsheetId?.secret).toBeUndefined();
    for (const system of systems) expect(() => configJsonSchema(system.id)).not.toThrow();
  });

  it("fill unset keys from the specification's environment variables, alternatives of a group only when none is set", () => {
    const environment = { HUBSPOT_API_KEY: 'pat-from-env', GOOGLE_SHEETS_CREDENTIALS: '{"type":"service_account"}', GOOGLE_APPLICATION_CREDENTIALS: '/k.json' };
    expect(parseConnectionConfig({ connectionType: 'hubspot' }, 'hubspot', { environment }).apiKey?.reveal()).toBe('pat-from-env');
    expect(parseConnectionConfig({ connectionType: 'hubspot', apiKey: 'pat-config' }, 'hubspot', { environment }).apiKey?.reveal()).toBe('pat-config');
    const sheets = parseConnectionConfig({ connectionType: 'googlesheets', credentialsPath: '/mine.json' }, 'googlesheets', { environment });
    expect(sheets.credentialsJson).toBeUndefined();
    expect(sheets.credentialsPath).toBe('/mine.json');
  });

  it("take nothing from the environment when told to use the config only (one tenant never gets the operator's key)", () => {
    const config = parseConnectionConfig({ connectionType: 'hubspot' }, 'hubspot', { environment: false });
    expect(config.apiKey).toBeUndefined();
  });

  it('name the variable a bad value came from', () => {
    expect(() => parseConnectionConfig({ connectionType: 'salesforce' }, 'salesforce', { environment: { SALESFORCE_INSTANCE_URL: 'not a url' } })).toThrow(
      /instanceUrl: .*\(from SALESFORCE_INSTANCE_URL\)/,
    );
  });

  it('Pipedrive by default never lets more than 20 requests through in 2 seconds (its lowest plan)', async () => {
    const rate = rateDefaults.pipedrive;
    const limit = Math.floor((rate.requestsPerMinute * rate.windowSeconds) / 60);
    expect(limit).toBe(20);
    expect(rate.windowSeconds).toBe(2);
    const limiter = new SlidingWindowRateLimiter({ limit, windowMs: rate.windowSeconds * 1000 });
    let granted = 0;
    const attempts = Array.from({ length: 40 }, () =>
      limiter.acquire().then((slot) => {
        granted += 1;
        slot.release();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(granted).toBe(20);
    void Promise.allSettled(attempts);
  });
});

describe('config keys from hostile files', () => {
  it('reject __proto__ and constructor as unknown keys, naming them', () => {
    const hostile = JSON.parse('{"connection_type":"hubspot","__proto__":{"polluted":true},"constructor":1}') as Record<string, unknown>;
    expect(() => parseConnectionConfig(hostile)).toThrow(/__proto__: unknown key; constructor: unknown key/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('loadEnvFile', () => {
  it('loads a .env without overriding what is set, and explains a .env that is a directory', () => {
    const folder = mkdtempSync(join(tmpdir(), 'automl-env-'));
    writeFileSync(join(folder, '.env'), 'AUTOML_TEST_ENV_A=from-file\nAUTOML_TEST_ENV_B=from-file\n');
    process.env.AUTOML_TEST_ENV_B = 'already-set';
    expect(loadEnvFile(join(folder, '.env'))).toBe(true);
    expect(process.env.AUTOML_TEST_ENV_A).toBe('from-file');
    expect(process.env.AUTOML_TEST_ENV_B).toBe('already-set');
    expect(loadEnvFile(join(folder, 'missing.env'))).toBe(false);
    mkdirSync(join(folder, 'dir.env'));
    expect(() => loadEnvFile(join(folder, 'dir.env'))).toThrow(/is not a file/);
    delete process.env.AUTOML_TEST_ENV_A;
    delete process.env.AUTOML_TEST_ENV_B;
  });
});
