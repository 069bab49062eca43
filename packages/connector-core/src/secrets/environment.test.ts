import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDotEnv, resolveCredential } from './environment.js';
import { Secret } from './secret.js';

describe('credentials from config or environment', () => {
  it('prefers the config, then the first variable set, and ignores empty ones', () => {
    const environment = { HUBSPOT_API_KEY: '', OTHER: 'from-other-var' };
    expect(resolveCredential('from-config', ['HUBSPOT_API_KEY'], environment)?.source).toBe('config');
    const fromEnvironment = resolveCredential(undefined, ['HUBSPOT_API_KEY', 'OTHER'], environment);
    expect(fromEnvironment?.source).toBe('OTHER');
    expect(Secret.isInstance(fromEnvironment?.secret)).toBe(true);
    expect(fromEnvironment?.secret.reveal()).toBe('from-other-var');
    expect(resolveCredential(undefined, ['HUBSPOT_API_KEY'], environment)).toBeUndefined();
  });

  it('loads a .env file with Node built-in loader without overriding the environment', () => {
    const folder = mkdtempSync(join(tmpdir(), 'dotenv-'));
    const path = join(folder, '.env');
    writeFileSync(path, 'AUTOML_TEST_FROM_DOTENV="dotenv-value"\nAUTOML_TEST_ALREADY_SET=dotenv\n');
    process.env.AUTOML_TEST_ALREADY_SET = 'process';
    expect(loadDotEnv(path)).toBe(true);
    expect(process.env.AUTOML_TEST_FROM_DOTENV).toBe('dotenv-value');
    expect(process.env.AUTOML_TEST_ALREADY_SET).toBe('process');
  });
});
