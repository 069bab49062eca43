import { crmTypeField, secretField } from '../config/config-fields.js';
import { hints } from '../errors/hints.js';
import { defineSystem } from './system-descriptor.js';

export const pipedriveSystem = defineSystem({
  id: 'pipedrive',
  displayName: 'Pipedrive',
  packageName: '@automl/connector-pipedrive',
  crm: true,
  summary: 'Pipedrive persons, organizations, deals and leads (named custom fields); person upserts by email without duplicates',
  fields: {
    crmType: crmTypeField('pipedrive'),
    apiKey: secretField().optional(),
  },
  // Pipedrive counts per token over a 2-second window; the lowest api_token plan allows 20 per 2 s.
  rate: { requestsPerMinute: 600, windowSeconds: 2, source: 'Pipedrive api_token: 20 requests per 2 s on the lowest plan' },
  environment: [{ key: 'apiKey', variable: 'PIPEDRIVE_API_KEY' }],
  quotaIdentity: ['baseUrl'],
  hints: {
    invalidApiKey:
      'Copy the token again from Pipedrive (profile -> Personal preferences -> API -> "Personal API token") and set PIPEDRIVE_API_KEY (or apiKey); a token stops working when it is regenerated or its user is deactivated.',
    rateLimitExceeded: hints.rateLimited,
    dailyBudgetExhausted:
      "The company's daily API token budget is shared by every integration of the account and resets at the start of the next day: spread the job over days or buy more tokens.",
  },
});
