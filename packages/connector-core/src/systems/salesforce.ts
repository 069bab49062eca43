import { z } from 'zod';
import { crmTypeField, secretField } from '../config/config-fields.js';
import { hints } from '../errors/hints.js';
import { defineSystem } from './system-descriptor.js';

export const salesforceSystem = defineSystem({
  id: 'salesforce',
  displayName: 'Salesforce',
  packageName: '@automl/connector-salesforce',
  crm: true,
  summary: 'Salesforce REST, sObject Collections and Bulk API 2.0',
  fields: {
    crmType: crmTypeField('salesforce'),
    /** An OAuth access token (the specification's SALESFORCE_API_KEY). */
    apiKey: secretField().optional(),
    /** https://yourDomain.my.salesforce.com; taken from the token response when a grant is used. */
    instanceUrl: z.url().optional(),
    /** REST API version, pinned (jsforce would default to 50.0). */
    apiVersion: z
      .string()
      .regex(/^\d+\.0$/, 'like "62.0"')
      .optional(),
    /** Token endpoint host: https://login.salesforce.com, https://test.salesforce.com for sandboxes, or the My Domain URL. */
    loginUrl: z.url().optional(),
    /** The Connected App's consumer key and secret (refresh token, password and client-credentials grants). */
    clientId: z.string().min(1).optional(),
    clientSecret: secretField().optional(),
    refreshToken: secretField().optional(),
    /** The specification's username-password grant: the security token is appended to the password. */
    username: z.string().min(1).optional(),
    password: secretField().optional(),
    securityToken: secretField().optional(),
    /** Grant used when several could apply; inferred from the keys given when omitted. */
    oauthFlow: z.enum(['access-token', 'refresh-token', 'password', 'client-credentials']).optional(),
    /** Reads: REST query paging, a Bulk API 2.0 query job, or Bulk past `bulkReadThreshold` records (auto). */
    readMode: z.enum(['rest', 'bulk', 'auto']).optional(),
    bulkReadThreshold: z.number().int().positive().optional(),
    /** Writes: sObject Collections (200 records per call), Bulk API 2.0 ingest jobs, or or Bulk for batches of 2,000 rows and more (auto); collections by default. */
    writeMode: z.enum(['auto', 'collections', 'bulk']).optional(),
    /** The longest a Bulk job is awaited before the write fails (the job id is kept to resume). */
    bulkPollTimeoutSeconds: z.number().positive().optional(),
  },
  rate: { requestsPerMinute: 60, windowSeconds: 60, source: 'about 100,000 calls per 24 h on Enterprise = 69 per minute' },
  environment: [
    { key: 'apiKey', variable: 'SALESFORCE_API_KEY' },
    { key: 'instanceUrl', variable: 'SALESFORCE_INSTANCE_URL' },
  ],
  quotaIdentity: ['baseUrl', 'instanceUrl', 'loginUrl', 'clientId', 'username'],
  hints: {
    invalidGrant: hints.salesforceInvalidGrant,
    sessionExpired: hints.salesforceSessionExpired,
  },
});
