import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Secret } from '@automl/connector-core';
import { describe, expect, it } from 'vitest';
import { ConnectionsProject } from '../src/connections-project.js';

const folder = () => mkdtempSync(join(tmpdir(), 'automl-connections-'));

describe('ConnectionsProject', () => {
  it('stores plain secrets encrypted, writes only references, and resolves them back', () => {
    const cwd = folder();
    const project = new ConnectionsProject({ cwd, environment: {} });
    project.add('crm', { connection_type: 'hubspot', api_key: 'pat-na1-secret-value-123' });
    const file = readFileSync(join(cwd, 'automl-connectors.json'), 'utf8');
    expect(file).not.toContain('pat-na1-secret-value-123');
    expect(JSON.parse(file)).toEqual({ connections: { crm: { connectionType: 'hubspot', apiKey: 'store:crm.apiKey' } } });
    const store = readFileSync(project.store.path, 'utf8');
    expect(store).not.toContain('pat-na1-secret-value-123');
    expect(statSync(project.store.keyPath).mode & 0o777).toBe(0o600);
    const resolved = new ConnectionsProject({ cwd, environment: {} }).resolve('crm');
    expect((resolved.config.apiKey as Secret).reveal()).toBe('pat-na1-secret-value-123');
    expect(project.summary('crm').secrets).toEqual({ apiKey: 'store' });
  });

  it('keeps env: and file: references as written, and resolves them', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'key.json'), '{"type":"service_account"}\n');
    const project = new ConnectionsProject({ cwd, environment: { MY_TOKEN: 'pat-from-env' } });
    project.add('crm', { connectionType: 'hubspot', apiKey: 'env:MY_TOKEN' });
    project.add('sheet', { connectionType: 'googlesheets', spreadsheetId: 'abc', credentialsJson: 'file:./key.json' });
    expect((project.resolve('crm').config.apiKey as Secret).reveal()).toBe('pat-from-env');
    expect((project.resolve('sheet').config.credentialsJson as Secret).reveal()).toBe('{"type":"service_account"}');
    expect(project.summary('sheet').secrets).toEqual({ credentialsJson: 'file:./key.json' });
  });

  it('names the missing variable when a credential is nowhere', () => {
    const cwd = folder();
    const project = new ConnectionsProject({ cwd, environment: {} });
    project.add('crm', { connectionType: 'hubspot' });
    project.add('crm2', { connectionType: 'hubspot', apiKey: 'env:OTHER_TOKEN' });
    expect(project.resolve('crm').missingCredentials).toEqual(['HUBSPOT_API_KEY']);
    expect(project.resolve('crm2').missingCredentials).toEqual(['OTHER_TOKEN']);
    expect(new ConnectionsProject({ cwd, environment: { HUBSPOT_API_KEY: 'pat-x' } }).resolve('crm').missingCredentials).toEqual([]);
  });

  it('loads a YAML file written for the Python platform (snake_case) and names every bad field', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'automl-connectors.yaml'), 'connections:\n  warehouse:\n    connection_type: bigquery\n    project_id: p\n    dataset_id: d\n');
    const project = new ConnectionsProject({ cwd, environment: {} });
    expect(project.summary('warehouse').settings).toMatchObject({ connectionType: 'bigquery', projectId: 'p', datasetId: 'd' });
    expect(() => project.add('bad', { connectionType: 'salesforce', instanceUrl: 'nope', colour: 'red' })).toThrow(
      /bad\.instanceUrl: .*; bad\.colour: unknown key/,
    );
    writeFileSync(join(cwd, 'automl-connectors.yaml'), 'connections:\n  x:\n    connection_type: nosuch\n');
    expect(() => project.names()).toThrow(/x\.connectionType: must be one of/);
  });

  it('removes a connection and its stored secrets; a wrong key is a clear error, not garbage', () => {
    const cwd = folder();
    const project = new ConnectionsProject({ cwd, environment: {} });
    project.add('crm', { connectionType: 'hubspot', apiKey: 'pat-abc-123456' });
    expect(() => new ConnectionsProject({ cwd, environment: { AUTOML_CONNECTORS_SECRET_KEY: 'another key entirely' } }).resolve('crm')).toThrow(
      /cannot decrypt "crm.apiKey"/,
    );
    project.remove('crm');
    expect(project.names()).toEqual([]);
    expect(project.store.ids()).toEqual([]);
  });

  it('warns about plain-text secrets in a hand-written file without echoing them', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'automl-connectors.json'), JSON.stringify({ connections: { crm: { connection_type: 'hubspot', api_key: 'pat-plain-123' } } }));
    const project = new ConnectionsProject({ cwd, environment: {} });
    const warnings = project.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings.join()).not.toContain('pat-plain-123');
  });
});
