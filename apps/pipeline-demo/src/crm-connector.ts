import { CRMConnector, type ConnectorOptions } from '@automl/connector-core';

/**
 * The seed's `CRMConnector(ConnectionConfig(connection_type='hubspot', crm_type='hubspot'))`: core's
 * facade loads @automl/connector-hubspot on first use, exactly as in a user's application.
 */
export function openCrmConnector(
  config: { connectionType: 'hubspot'; crmType: 'hubspot'; baseUrl?: string; apiKey?: string },
  options: ConnectorOptions = {},
): CRMConnector {
  return new CRMConnector(config, options);
}
