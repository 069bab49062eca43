import { fileURLToPath } from 'node:url';
import { CRMConnector, type ConnectorOptions } from '@automl/connector-core';

/**
 * The seed's `CRMConnector(ConnectionConfig(connection_type=..., crm_type=...))`: core's facade
 * loads the CRM's package (@automl/connector-hubspot, -pipedrive, -salesforce) on first use,
 * exactly as in a user's application. The packages are this app's dependencies, so they are
 * resolved from here whatever the working directory.
 */
export function openCrmConnector(config: Record<string, unknown> & { crmType: string }, options: ConnectorOptions = {}): CRMConnector {
  return new CRMConnector({ connectionType: config.crmType, ...config }, { ...options, resolveFrom: [fileURLToPath(import.meta.url)] });
}
