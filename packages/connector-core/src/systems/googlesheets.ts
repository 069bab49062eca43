import { z } from 'zod';
import { googleConfigFields, googleCredentialsEnvironment } from '../config/config-fields.js';
import { hints } from '../errors/hints.js';
import { defineSystem } from './system-descriptor.js';

export const googleSheetsSystem = defineSystem({
  id: 'googlesheets',
  displayName: 'Google Sheets',
  packageName: '@automl/connector-googlesheets',
  crm: false,
  summary: 'Google Sheets v4 with a service-account key',
  fields: {
    spreadsheetId: z.string().min(1).optional(),
    sheetName: z.string().min(1).optional(),
    ...googleConfigFields,
  },
  rate: { requestsPerMinute: 60, windowSeconds: 60, source: 'Sheets API: 60 read requests per minute per user' },
  environment: googleCredentialsEnvironment('GOOGLE_SHEETS_CREDENTIALS'),
  quotaIdentity: ['baseUrl', 'credentialsPath', 'projectId'],
  hints: {
    apiNotEnabled: hints.googleApiNotEnabled('Google Sheets API'),
    permissionDenied: hints.googleShareWithServiceAccount(),
    invalidCredentials: hints.googleInvalidCredentials,
  },
});
