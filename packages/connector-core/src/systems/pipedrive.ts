import { crmTypeField, secretField } from '../config/config-fields.js';
import { defineSystem } from './system-descriptor.js';

export const pipedriveSystem = defineSystem({
  id: 'pipedrive',
  displayName: 'Pipedrive',
  packageName: '@automl/connector-pipedrive',
  crm: true,
  summary: 'Pipedrive persons, organizations and deals; upserts by email',
  fields: {
    crmType: crmTypeField('pipedrive'),
    apiKey: secretField().optional(),
  },
  // Pipedrive counts per token over a 2-second window; the lowest api_token plan allows 20 per 2 s.
  rate: { requestsPerMinute: 600, windowSeconds: 2, source: 'Pipedrive api_token: 20 requests per 2 s on the lowest plan' },
  environment: [{ key: 'apiKey', variable: 'PIPEDRIVE_API_KEY' }],
  quotaIdentity: ['baseUrl'],
  hints: {},
});
