import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateChurnCustomers } from '@automl/automl';
import type { Row } from '@automl/connector-core';
import { ExcelConnector } from '@automl/connector-excel';
import { createHubSpotEmulator, type HubSpotRecord } from '@automl/sandbox';
import { sandboxStatePaths } from '../offline-sandbox.js';

/** A temporary folder for a sandbox state and reports, removed by `remove()`. */
export function temporaryDirectory(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A smaller training workbook (same generator, fewer rows), to keep the extra runs quick. */
export async function writeSmallWorkbook(path: string, count = 600): Promise<string> {
  const excel = new ExcelConnector({ connectionType: 'excel' });
  try {
    return await excel.writeExcel(generateChurnCustomers({ count, seed: 7 }) as unknown as Row[], { path, sheetName: 'Customers' });
  } finally {
    await excel.close();
  }
}

/** The contacts the persisted sandbox portal holds, read by loading its state file into an emulator. */
export async function persistedContacts(stateDirectory: string): Promise<HubSpotRecord[]> {
  const emulator = createHubSpotEmulator();
  await emulator.start({ statePath: sandboxStatePaths(stateDirectory).hubspot });
  try {
    return emulator.portal.listObjects('contacts');
  } finally {
    await emulator.stop();
  }
}

/** Environment without any credential, so a developer's own variables never switch a test online. */
export const noCredentials: NodeJS.ProcessEnv = {};
