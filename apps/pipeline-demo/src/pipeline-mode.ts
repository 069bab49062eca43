import { readEnvironment } from '@automl/connector-core';
import { crmTarget } from './crm-targets.js';
import type { CrmId } from './crm-target.js';
import type { PipelineMode } from './run-report.js';

export type RequestedMode = 'auto' | PipelineMode;

export interface ModeDecision {
  mode: PipelineMode;
  /** One sentence for the output: why this mode. */
  reason: string;
  /** What online mode would still need (empty when everything is set). */
  missing: string[];
  spreadsheetId?: string;
}

/**
 * Online when the real credentials are all there: a Google service-account key
 * (GOOGLE_SHEETS_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS), the new customers' spreadsheet id
 * (--spreadsheet-id or NEW_CUSTOMERS_SPREADSHEET_ID) and the CRM's (HUBSPOT_API_KEY; PIPEDRIVE_API_KEY;
 * SALESFORCE_API_KEY and SALESFORCE_INSTANCE_URL). Otherwise offline, against
 * the sandbox: a half-configured environment never sends anything to a real service, and the output
 * says what is missing. `--online` makes a missing piece an error instead.
 */
export function selectMode(
  requested: RequestedMode,
  spreadsheetIdOption: string | undefined,
  environment: NodeJS.ProcessEnv = process.env,
  crm: CrmId = 'hubspot',
): ModeDecision {
  const target = crmTarget(crm);
  const googleCredentials = readEnvironment('GOOGLE_SHEETS_CREDENTIALS', environment) ?? readEnvironment('GOOGLE_APPLICATION_CREDENTIALS', environment);
  const spreadsheetId = spreadsheetIdOption ?? readEnvironment('NEW_CUSTOMERS_SPREADSHEET_ID', environment);
  const missingCrm = target.onlineVariables
    .filter((alternatives) => alternatives.every((variable) => readEnvironment(variable, environment) === undefined))
    .map((alternatives) => alternatives.join(' or '));
  const missing = [
    ...(googleCredentials === undefined ? ['GOOGLE_SHEETS_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS'] : []),
    ...(spreadsheetId === undefined ? ['--spreadsheet-id or NEW_CUSTOMERS_SPREADSHEET_ID'] : []),
    ...missingCrm,
  ];
  const found = 2 + target.onlineVariables.length - missing.length;
  if (requested === 'offline') return { mode: 'offline', reason: '--offline given: using the sandbox emulators', missing };
  if (missing.length === 0)
    return { mode: 'online', reason: `credentials found: talking to the real Google Sheets and ${target.name}`, missing, spreadsheetId: spreadsheetId! };
  if (requested === 'online') return { mode: 'online', reason: `--online given but ${missing.join(', ')} not set`, missing };
  const reason =
    found === 0
      ? 'no credentials in the environment: using the sandbox emulators'
      : `online mode also needs ${missing.join(', ')}: using the sandbox emulators, nothing is sent to the real services`;
  return { mode: 'offline', reason, missing };
}
