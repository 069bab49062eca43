import { ConfigError } from '@automl/connector-core';
import { describe, expect, it } from 'vitest';
import { databricksEndpoint } from './databricks-endpoint.js';

describe('databricksEndpoint', () => {
  it('takes DATABRICKS_HOST as a bare host name or as a URL, with its port apart', () => {
    expect(databricksEndpoint('adb-12345.6.azuredatabricks.net', undefined)).toEqual({ host: 'adb-12345.6.azuredatabricks.net', port: 443 });
    expect(databricksEndpoint('https://adb-12345.6.azuredatabricks.net/', undefined)).toEqual({ host: 'adb-12345.6.azuredatabricks.net', port: 443 });
    expect(databricksEndpoint('https://127.0.0.1:8443', undefined)).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(databricksEndpoint('ignored.example', 'https://localhost:9443')).toEqual({ host: 'localhost', port: 9443 });
  });

  it('refuses a missing host and plain HTTP with a ConfigError', () => {
    expect(() => databricksEndpoint(undefined, undefined)).toThrow(ConfigError);
    expect(() => databricksEndpoint('http://adb.example', undefined)).toThrow(/HTTPS only/);
  });
});
