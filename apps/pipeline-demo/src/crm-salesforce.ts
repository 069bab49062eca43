import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createSalesforceEmulator } from '@automl/sandbox/salesforce';
import type { CrmTarget } from './crm-target.js';

/** The Salesforce emulator's state file under the demo's state directory. */
export function salesforceStatePath(stateDirectory: string): string {
  return join(stateDirectory, 'salesforce.json');
}

/** The External ID field of Contact the demo upserts on; it holds the customer's id (C05001...). */
export const salesforceExternalId = 'External_Id__c';

/**
 * Salesforce contacts upserted by an External ID (sObject Collections upsert on External_Id__c =
 * customer_id): Email on Contact is neither unique nor an External ID, so Salesforce itself cannot
 * upsert on it. `churn_risk__c` (Number) and `segment__c` (Text) are created as custom fields
 * through the Tooling API on the first run. Offline the connector signs in with the
 * specification's OAuth password grant (username, password + security token, Connected App keys)
 * against the emulator's token endpoint.
 */
export const salesforceTarget: CrmTarget = {
  id: 'salesforce',
  name: 'Salesforce',
  stage: 'writeSalesforce',
  destination: 'contacts',
  sandboxHolds: "the sandbox's Salesforce org",
  recordNoun: 'contacts',
  idProperty: salesforceExternalId,
  matchedBy: `by external id (${salesforceExternalId} = customer_id)`,
  // `auto`: one batch of up to 10,000 rows, sent as sObject Collections calls of 200 (Bulk API 2.0
  // from 2,000 rows, Salesforce's guidance). One batch also means the missing custom fields are
  // created once: with the default `collections` mode, batches of 200 run two at a time and both
  // try to create them (the second fails its rows with DUPLICATE_DEVELOPER_NAME).
  connectorSettings: { writeMode: 'auto' },
  onlineVariables: [['SALESFORCE_API_KEY'], ['SALESFORCE_INSTANCE_URL']],
  record: (customer) => ({
    [salesforceExternalId]: customer.customerId,
    Email: customer.email,
    FirstName: customer.firstName,
    // LastName is required on a Contact.
    LastName: customer.lastName ?? customer.email ?? customer.customerId,
    churn_risk__c: customer.churnRisk,
    segment__c: customer.segment,
  }),
  keyOf: (customer) => customer.customerId,
  startSandbox: async ({ stateDirectory, fresh }) => {
    const statePath = salesforceStatePath(stateDirectory);
    if (fresh) rmSync(statePath, { force: true });
    const emulator = createSalesforceEmulator();
    const baseUrl = await emulator.start({ statePath });
    const { clientId, clientSecret, username, password, securityToken } = emulator.credentials;
    return {
      baseUrl,
      connection: {
        crmType: 'salesforce',
        ...salesforceTarget.connectorSettings,
        loginUrl: baseUrl,
        clientId,
        clientSecret,
        username,
        password,
        securityToken,
      },
      recordsBefore: emulator.count('Contact'),
      statePath,
      emulator,
      stop: () => emulator.stop(),
    };
  },
};
