import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/connector-error.js';
import { CRMConnector } from '../crm/crm-connector.js';
import { checkSpecificationVersion, ConnectorFactory } from './create-connector.js';
import { isModuleNotFound, loadConnectorPackage } from './load-connector-package.js';

describe('createConnector', () => {
  it('names the package to install when a connector is missing', async () => {
    // A type no package implements here: every real connector is installed in this workspace.
    const error = await loadConnectorPackage('nosuchsystem').catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toContain('@automl/connector-nosuchsystem could not be found');
    expect((error as ConfigError).hint).toBe(
      'Install it beside @automl/connector-core: npm install @automl/connector-nosuchsystem (or pnpm add @automl/connector-nosuchsystem).',
    );
  });

  it('tells a missing package from a missing dependency of an installed one', () => {
    const missing = Object.assign(new Error("Cannot find package '@automl/connector-hubspot' imported from /app/x.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const dependency = Object.assign(
      new Error("Cannot find package '@hubspot/api-client' imported from /app/node_modules/@automl/connector-hubspot/dist/index.js"),
      {
        code: 'ERR_MODULE_NOT_FOUND',
      },
    );
    expect(isModuleNotFound(missing, '@automl/connector-hubspot')).toBe(true);
    expect(isModuleNotFound(dependency, '@automl/connector-hubspot')).toBe(false);
  });

  it('validates the config before loading anything', async () => {
    await expect(ConnectorFactory.create({ connectionType: 'salesforce', instance_url: 'nope' })).rejects.toThrow(/instanceUrl/);
  });

  it('CRMConnector refuses an unknown crmType and names the field', () => {
    expect(() => new CRMConnector({ connection_type: 'hubspot', crm_type: 'zoho' })).toThrow(/crmType: must be one of hubspot, salesforce, pipedrive/);
  });

  it('refuses a connector built for another contract version, naming both', () => {
    expect(() => checkSpecificationVersion({ id: 'hubspot' }, '@automl/connector-hubspot', 'hubspot')).toThrow(
      /@automl\/connector-hubspot implements connector contract 1, this @automl\/connector-core implements 2/,
    );
    expect(() => checkSpecificationVersion({ specificationVersion: 2 }, '@automl/connector-hubspot', 'hubspot')).not.toThrow();
  });

  it('CRMConnector refuses a connectionType that contradicts crmType', () => {
    expect(() => new CRMConnector({ connection_type: 'hubspot', crm_type: 'pipedrive' })).toThrow(
      /connectionType: "hubspot" conflicts with crmType "pipedrive"/,
    );
  });
});
