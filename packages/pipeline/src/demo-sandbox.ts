import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createConnector } from '@automl/connector-core';
import type { PipelineSpec } from './pipeline-spec.js';
import { generateChurnCustomers, withoutLabel } from '@automl/automl';
import { createGoogleSheetsEmulator, createHubSpotEmulator, type GoogleSheetsEmulator, type HubSpotEmulator } from '@automl/sandbox';

/** The seed's spreadsheet id, kept as the sandbox's: the offline run reads "new-customers-sheet-id". */
export const sandboxSpreadsheetId = 'new-customers-sheet-id';
export const sandboxSheetTitle = 'New customers';
/** The service account the sandbox issues a key for, as a user would create one in the Console. */
export const sandboxServiceAccountEmail = 'pipeline-demo@automl-sandbox.iam.gserviceaccount.com';

export interface NewCustomersSeed {
  /** How many new customers the sheet gets the first time (default 300). */
  count?: number;
  /** Seed of generateChurnCustomers, different from the training table's (default 20250202). */
  seed?: number;
}

export interface OfflineSandboxOptions {
  /** Folder of the emulators' JSON state files, kept between runs. */
  stateDirectory: string;
  /** Delete the emulators' state first: a new sheet, an empty HubSpot portal. */
  fresh?: boolean;
  newCustomers?: NewCustomersSeed;
}

/** Both emulators running on loopback, and what the connectors need to reach them. */
export interface OfflineSandbox {
  googleSheets: { baseUrl: string; spreadsheetId: string; credentialsJson: string; emulator: GoogleSheetsEmulator };
  hubspot: { baseUrl: string; apiKey: string; emulator: HubSpotEmulator };
  statePaths: { googleSheets: string; hubspot: string };
  /** True when this start created the sheet (first run, or after --fresh). */
  seededNow: boolean;
  newCustomerRows: number;
  contactsBefore: number;
  stop(): Promise<void>;
}

/** Where the emulators keep their state under the state directory. */
export function sandboxStatePaths(stateDirectory: string): { googleSheets: string; hubspot: string } {
  return { googleSheets: join(stateDirectory, 'googlesheets.json'), hubspot: join(stateDirectory, 'hubspot.json') };
}

/**
 * Starts the Google Sheets and HubSpot emulators in-process with persistent state, and on the
 * first run creates the service account, its key and the "New customers" sheet shared with it.
 * The state files hold the generated key, so later runs authenticate with the same credentials and
 * meet the contacts earlier runs wrote.
 */
export async function startOfflineSandbox(options: OfflineSandboxOptions): Promise<OfflineSandbox> {
  const statePaths = sandboxStatePaths(options.stateDirectory);
  if (options.fresh) {
    for (const path of Object.values(statePaths)) rmSync(path, { force: true });
  }
  const sheetsEmulator = createGoogleSheetsEmulator();
  const hubspotEmulator = createHubSpotEmulator();
  const sheetsUrl = await sheetsEmulator.start({ statePath: statePaths.googleSheets });
  let hubspotUrl: string;
  try {
    hubspotUrl = await hubspotEmulator.start({ statePath: statePaths.hubspot });
  } catch (error) {
    await sheetsEmulator.stop();
    throw error;
  }
  const stop = async () => {
    await Promise.all([sheetsEmulator.stop(), hubspotEmulator.stop()]);
  };
  try {
    const key =
      sheetsEmulator.serviceAccountKeys(sandboxServiceAccountEmail)[0] ??
      sheetsEmulator.createServiceAccount({ clientEmail: sandboxServiceAccountEmail, projectId: 'automl-sandbox' });
    let seededNow = false;
    if (!sheetsEmulator.spreadsheetIds().includes(sandboxSpreadsheetId)) {
      sheetsEmulator.createSpreadsheet({
        spreadsheetId: sandboxSpreadsheetId,
        title: 'New customers (sandbox)',
        sheets: [{ title: sandboxSheetTitle, rows: newCustomerSheetRows(options.newCustomers) }],
        shareWith: [{ email: key.client_email, role: 'reader' }],
      });
      seededNow = true;
    }
    return {
      googleSheets: { baseUrl: sheetsUrl, spreadsheetId: sandboxSpreadsheetId, credentialsJson: JSON.stringify(key), emulator: sheetsEmulator },
      hubspot: { baseUrl: hubspotUrl, apiKey: hubspotEmulator.token, emulator: hubspotEmulator },
      statePaths,
      seededNow,
      newCustomerRows: sheetsEmulator.countRows(sandboxSpreadsheetId, sandboxSheetTitle) - 1,
      contactsBefore: hubspotEmulator.portal.countObjects('contacts'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The new customers: the same generator as the training table with another seed, numbered after
 * it (customer05001@example.com...), without the churned label. Header row first.
 */
export function newCustomerSheetRows(seed: NewCustomersSeed = {}): unknown[][] {
  const customers = withoutLabel(generateChurnCustomers({ count: seed.count ?? 300, seed: seed.seed ?? 20250202, firstCustomerNumber: 5001 }), 'churned');
  const header = Object.keys(customers[0] ?? {});
  return [header, ...customers.map((customer) => header.map((column) => (customer as Record<string, unknown>)[column] ?? null))];
}

/** The demo's connections and spec over a running offline sandbox, for the CLI and the dashboard. */
export interface DemoSandbox {
  /** Configs to add to a project: `training` (Excel), `scoring` (Google Sheets), `crm` (HubSpot). */
  connections: Record<string, Record<string, unknown>>;
  spec: PipelineSpec;
  stop(): Promise<void>;
}

/**
 * Starts the offline sandbox and describes it as connections: the training workbook (written once
 * into the state directory from the same generator as the demo's customers.xlsx unless one is
 * given), the new-customers sheet and the HubSpot portal, plus the demo's pipeline spec over them.
 */
export async function startDemoSandbox(options: OfflineSandboxOptions & { trainingFile?: string }): Promise<DemoSandbox> {
  const sandbox = await startOfflineSandbox(options);
  try {
    const trainingFile = options.trainingFile ?? join(options.stateDirectory, 'customers.xlsx');
    if (!existsSync(trainingFile)) {
      mkdirSync(dirname(trainingFile), { recursive: true });
      const excel = await createConnector({ connectionType: 'excel', filePath: trainingFile });
      try {
        await excel.write(generateChurnCustomers({ count: 2000, seed: 20250101 }) as never, { mode: 'overwrite' });
      } finally {
        await excel.close();
      }
    }
    return {
      connections: {
        training: { connectionType: 'excel', filePath: trainingFile },
        scoring: {
          connectionType: 'googlesheets',
          spreadsheetId: sandbox.googleSheets.spreadsheetId,
          baseUrl: sandbox.googleSheets.baseUrl,
          credentialsJson: sandbox.googleSheets.credentialsJson,
        },
        crm: { connectionType: 'hubspot', crmType: 'hubspot', baseUrl: sandbox.hubspot.baseUrl, apiKey: sandbox.hubspot.apiKey },
      },
      spec: {
        training: { connection: 'training', labelColumn: 'churned' },
        scoring: { connection: 'scoring', table: sandboxSheetTitle },
        destination: { connection: 'crm', table: 'contacts', keyColumn: 'email', mode: 'upsert' },
      },
      stop: () => sandbox.stop(),
    };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}
