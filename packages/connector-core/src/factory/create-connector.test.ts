import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/connector-error.js';
import { CRMConnector } from '../crm/crm-connector.js';
import { createConnector, ConnectorFactory } from './create-connector.js';

describe('createConnector', () => {
  it('names the package to install when a connector is missing', async () => {
    const error = await createConnector({ connectionType: 'bigquery', projectId: 'p' }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toContain('@automl/connector-bigquery could not be found');
    expect((error as ConfigError).hint).toBe(
      'Install it beside @automl/connector-core: npm install @automl/connector-bigquery (or pnpm add @automl/connector-bigquery).',
    );
  });

  it('validates the config before loading anything', async () => {
    await expect(ConnectorFactory.create({ connectionType: 'salesforce', instance_url: 'nope' })).rejects.toThrow(/instanceUrl/);
  });

  it('CRMConnector refuses an unknown crmType and names the field', () => {
    expect(() => new CRMConnector({ connection_type: 'hubspot', crm_type: 'zoho' })).toThrow(/crmType: must be one of hubspot, salesforce, pipedrive/);
  });

  it('CRMConnector loads the CRM package on first use, with the same clear error when missing', async () => {
    const crm = new CRMConnector({ crm_type: 'pipedrive', api_key: 'abcdefgh' });
    await expect(crm.listTables()).rejects.toThrow(/npm install @automl\/connector-pipedrive/);
  });
});
