import type { CrmTarget } from './crm-target.js';

/**
 * HubSpot contacts upserted by email (the specification's pipeline). Its emulator is the one
 * @automl/pipeline's offline sandbox starts beside Google Sheets, so nothing is started here.
 */
export const hubspotTarget: CrmTarget = {
  id: 'hubspot',
  name: 'HubSpot',
  stage: 'writeHubSpot',
  destination: 'contacts',
  sandboxHolds: "the sandbox's HubSpot portal",
  recordNoun: 'contacts',
  idProperty: 'email',
  matchedBy: 'by email',
  connectorSettings: {},
  onlineVariables: [['HUBSPOT_API_KEY']],
  record: (customer) => ({
    email: customer.email,
    firstname: customer.firstName,
    lastname: customer.lastName,
    churn_risk: customer.churnRisk,
    segment: customer.segment,
  }),
  keyOf: (customer) => customer.email,
  startSandbox: async ({ shared }) => ({
    baseUrl: shared.hubspot.baseUrl,
    connection: { crmType: 'hubspot', baseUrl: shared.hubspot.baseUrl, apiKey: shared.hubspot.apiKey },
    recordsBefore: shared.contactsBefore,
    statePath: shared.statePaths.hubspot,
    emulator: shared.hubspot.emulator,
    // Stopped with the shared sandbox.
    stop: async () => {},
  }),
};
