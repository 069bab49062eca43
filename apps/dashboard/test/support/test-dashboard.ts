import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionsProject } from '@automl/connections';
import { createGoogleSheetsEmulator, createHubSpotEmulator } from '@automl/sandbox';
import { Registry } from 'prom-client';
import { type Dashboard, startDashboard } from '../../src/index.js';

/** A dashboard on a fresh project, with the Google and HubSpot emulators running beside it. */
export interface TestDashboard {
  dashboard: Dashboard;
  origin: string;
  project: ConnectionsProject;
  directory: string;
  logs: string[];
  sheets: ReturnType<typeof createGoogleSheetsEmulator>;
  sheetsUrl: string;
  hubspot: ReturnType<typeof createHubSpotEmulator>;
  hubspotUrl: string;
  /** A service-account key made now, shared on a spreadsheet "Customers" with three rows. */
  key: { client_email: string; private_key: string; [field: string]: unknown };
  spreadsheetId: string;
  close(): Promise<void>;
}

export async function startTestDashboard(): Promise<TestDashboard> {
  const directory = mkdtempSync(join(tmpdir(), 'automl-dashboard-'));
  const project = new ConnectionsProject({ cwd: directory, environment: { AUTOML_CONNECTORS_SECRET_KEY: 'd'.repeat(64) } });
  const sheets = createGoogleSheetsEmulator();
  const sheetsUrl = await sheets.start();
  const hubspot = createHubSpotEmulator();
  const hubspotUrl = await hubspot.start();
  const key = sheets.createServiceAccount({ projectId: 'dashboard-test' }) as unknown as TestDashboard['key'];
  const spreadsheetId = sheets.createSpreadsheet({
    title: 'Customers',
    sheets: [
      {
        title: 'Customers',
        rows: [
          ['email', 'plan', 'seats'],
          ['ada@example.com', 'pro', 12],
          ['bob@example.com', 'free', 1],
          ['cy@example.com', 'team', 5],
        ],
      },
    ],
    shareWith: [key.client_email],
  });
  const logs: string[] = [];
  const dashboard = await startDashboard({ project, port: 0, log: (line) => logs.push(line), metricsRegistry: new Registry() });
  return {
    dashboard,
    origin: new URL(dashboard.url).origin,
    project,
    directory,
    logs,
    sheets,
    sheetsUrl,
    hubspot,
    hubspotUrl,
    key,
    spreadsheetId,
    close: async () => {
      await dashboard.close();
      await Promise.all([sheets.stop(), hubspot.stop()]);
    },
  };
}
