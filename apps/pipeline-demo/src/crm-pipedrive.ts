import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createPipedriveEmulator } from '@automl/sandbox/pipedrive';
import type { CrmTarget } from './crm-target.js';

/** The Pipedrive emulator's state file under the demo's state directory. */
export function pipedriveStatePath(stateDirectory: string): string {
  return join(stateDirectory, 'pipedrive.json');
}

/**
 * Pipedrive persons matched by email (the connector matches every email of a person, ignoring
 * case, and creates the person when none matches). Pipedrive keeps one `name` per person, so the
 * first and last names are sent joined; `churn_risk` (number) and `segment` (an enum whose options
 * are the segments met) are created as person fields on the first run.
 */
export const pipedriveTarget: CrmTarget = {
  id: 'pipedrive',
  name: 'Pipedrive',
  stage: 'writePipedrive',
  destination: 'persons',
  sandboxHolds: "the sandbox's Pipedrive company",
  recordNoun: 'persons',
  idProperty: 'email',
  matchedBy: 'by email',
  connectorSettings: {},
  onlineVariables: [['PIPEDRIVE_API_KEY']],
  record: (customer) => ({
    email: customer.email,
    name: [customer.firstName, customer.lastName].filter((part) => part !== null).join(' ') || customer.email,
    churn_risk: customer.churnRisk,
    segment: customer.segment,
  }),
  keyOf: (customer) => customer.email,
  startSandbox: async ({ stateDirectory, fresh }) => {
    const statePath = pipedriveStatePath(stateDirectory);
    if (fresh) rmSync(statePath, { force: true });
    // The emulator's defaults are the lowest plan's: 20 requests per 2 s per token, which the
    // connector's default rate (600 a minute counted over 2 s) keeps to, so no request gets a 429.
    const emulator = createPipedriveEmulator();
    const baseUrl = await emulator.start({ statePath });
    return {
      baseUrl,
      connection: { crmType: 'pipedrive', baseUrl, apiKey: emulator.token },
      recordsBefore: emulator.count('persons'),
      statePath,
      emulator,
      stop: () => emulator.stop(),
    };
  },
};
