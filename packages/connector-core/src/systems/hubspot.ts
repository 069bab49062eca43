import { crmTypeField, secretField } from '../config/config-fields.js';
import { hints } from '../errors/hints.js';
import { defineSystem } from './system-descriptor.js';

export const hubSpotSystem = defineSystem({
  id: 'hubspot',
  displayName: 'HubSpot',
  packageName: '@automl/connector-hubspot',
  crm: true,
  summary: 'HubSpot CRM v3: paged reads, batch upserts by email',
  fields: {
    crmType: crmTypeField('hubspot'),
    apiKey: secretField().optional(),
  },
  rate: { requestsPerMinute: 600, windowSeconds: 10, source: 'HubSpot private apps: 100 requests per 10 s (Free/Starter)' },
  environment: [{ key: 'apiKey', variable: 'HUBSPOT_API_KEY' }],
  quotaIdentity: ['baseUrl'],
  hints: {
    invalidAuthentication: hints.hubspotTokenFormat,
    rateLimitExceeded: hints.rateLimited,
  },
});
