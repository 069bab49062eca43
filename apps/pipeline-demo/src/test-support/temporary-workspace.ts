import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateChurnCustomers } from '@automl/automl';
import type { Row } from '@automl/connector-core';
import { ExcelConnector } from '@automl/connector-excel';
import { createHubSpotEmulator, type HubSpotRecord } from '@automl/sandbox';
import { createPipedriveEmulator, type ContactItem } from '@automl/sandbox/pipedrive';
import { createSalesforceEmulator } from '@automl/sandbox/salesforce';
import { pipedriveStatePath } from '../crm-pipedrive.js';
import { salesforceExternalId, salesforceStatePath } from '../crm-salesforce.js';
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

/** One CRM record as a demo test checks it: its key, its predictions and its names. */
export interface CrmRecordSeen {
  key: string;
  email: string | null;
  name: string | null;
  churnRisk: number;
  segment: string;
}

/** The persons the persisted Pipedrive company holds, custom fields read through their hash keys. */
export async function persistedPersons(stateDirectory: string): Promise<CrmRecordSeen[]> {
  const emulator = createPipedriveEmulator();
  await emulator.start({ statePath: pipedriveStatePath(stateDirectory) });
  try {
    const company = emulator.company;
    const churnRisk = company.field('persons', 'churn_risk')?.key;
    const segmentField = company.field('persons', 'segment');
    const segment = segmentField?.key;
    // The connector creates `segment` as an enum field: the person holds an option id.
    const label = (value: unknown) => segmentField?.options?.find((option) => option.id === value)?.label ?? value;
    return company.list('persons').map((person) => {
      const emails = (person.values.emails as ContactItem[] | undefined) ?? [];
      const email = emails.find((item) => item.primary)?.value ?? emails[0]?.value ?? null;
      return {
        key: String(email),
        email,
        name: (person.values.name as string | undefined) ?? null,
        churnRisk: Number(churnRisk === undefined ? Number.NaN : person.custom[churnRisk]),
        segment: String(segment === undefined ? '' : label(person.custom[segment])),
      };
    });
  } finally {
    await emulator.stop();
  }
}

/** The contacts the persisted Salesforce org holds, keyed by their External ID. */
export async function persistedSalesforceContacts(stateDirectory: string): Promise<CrmRecordSeen[]> {
  const emulator = createSalesforceEmulator();
  await emulator.start({ statePath: salesforceStatePath(stateDirectory) });
  try {
    return emulator.records('Contact').map((contact) => ({
      key: String(contact[salesforceExternalId]),
      email: (contact.Email as string | null | undefined) ?? null,
      name: [contact.FirstName, contact.LastName].filter(Boolean).join(' ') || null,
      churnRisk: Number(contact.churn_risk__c),
      segment: String(contact.segment__c),
    }));
  } finally {
    await emulator.stop();
  }
}
