import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/connector-error.js';
import { Secret } from '../secrets/secret.js';
import { parseConnectionConfig } from './parse-connection-config.js';

describe('parseConnectionConfig', () => {
  it('accepts the specification snake_case keys unchanged', () => {
    const config = parseConnectionConfig({
      connection_type: 'bigquery',
      project_id: 'mon-projet',
      dataset_id: 'mon_dataset',
      requests_per_minute: 60,
      max_retries: 3,
      retry_backoff_seconds: 1.0,
    });
    expect(config).toMatchObject({ connectionType: 'bigquery', projectId: 'mon-projet', datasetId: 'mon_dataset', requestsPerMinute: 60, maxRetries: 3 });
  });

  it('accepts every connection type of the specification', () => {
    const types = ['excel', 'googlesheets', 'bigquery', 'databricks', 'mongodb', 'hubspot', 'salesforce', 'pipedrive'];
    for (const connectionType of types) expect(parseConnectionConfig({ connectionType }).connectionType).toBe(connectionType);
  });

  it('wraps credentials as Secrets that never print', () => {
    const config = parseConnectionConfig({ connection_type: 'hubspot', crm_type: 'hubspot', api_key: 'pat-test-do-not-print-1' }, 'hubspot');
    expect(Secret.isInstance(config.apiKey)).toBe(true);
    expect(config.apiKey?.reveal()).toBe('pat-test-do-not-print-1');
    expect(JSON.stringify(config)).not.toContain('do-not-print');
    expect(inspect(config, { depth: 10 })).not.toContain('do-not-print');
    expect(`${config.apiKey}`).toBe('[REDACTED]');
  });

  it('keeps a credentials JSON object as a Secret string', () => {
    const config = parseConnectionConfig({ connectionType: 'googlesheets', credentialsJson: { type: 'service_account', private_key: 'k' } }, 'googlesheets');
    expect(JSON.parse(config.credentialsJson!.reveal())).toEqual({ type: 'service_account', private_key: 'k' });
  });

  it('names every invalid field at once, without echoing values', () => {
    let caught: unknown;
    try {
      parseConnectionConfig({ connection_type: 'mongodb', port: 'twenty-seven', requests_per_minute: -5, pasword: 'hunter2-secret', max_retries: 1.5 });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    const error = caught as ConfigError;
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['maxRetries', 'pasword', 'port', 'requestsPerMinute']);
    expect(error.message).toContain('pasword: unknown key');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('twenty-seven');
  });

  it('rejects an unknown connection type with the list of known ones', () => {
    expect(() => parseConnectionConfig({ connectionType: 'oracle' })).toThrow(/connectionType: must be one of excel, googlesheets/);
  });

  it('rejects a key given in both spellings', () => {
    expect(() => parseConnectionConfig({ connectionType: 'excel', filePath: 'a.xlsx', file_path: 'b.xlsx' })).toThrow(/filePath: given twice/);
  });

  it('checks the type a connector expects', () => {
    expect(() => parseConnectionConfig({ connectionType: 'excel' }, 'hubspot')).toThrow(/this connector takes "hubspot"/);
    expect(parseConnectionConfig({ apiKey: 'abcdefgh' }, 'hubspot').connectionType).toBe('hubspot');
  });

  it('validates the endpoint override as a URL', () => {
    expect(() => parseConnectionConfig({ connectionType: 'hubspot', baseUrl: 'not a url' })).toThrow(/baseUrl/);
    expect(parseConnectionConfig({ connectionType: 'hubspot', base_url: 'http://127.0.0.1:8080' }).baseUrl).toBe('http://127.0.0.1:8080');
  });
});
