import { hubspotTarget } from './crm-hubspot.js';
import { pipedriveTarget } from './crm-pipedrive.js';
import { salesforceTarget } from './crm-salesforce.js';
import type { CrmId, CrmTarget } from './crm-target.js';

/** The CRMs `--crm` accepts; HubSpot, the specification's, is the default. */
export const crmTargets: Readonly<Record<CrmId, CrmTarget>> = { hubspot: hubspotTarget, pipedrive: pipedriveTarget, salesforce: salesforceTarget };
export const crmIds = Object.keys(crmTargets) as CrmId[];
export const defaultCrm: CrmId = 'hubspot';

export function isCrmId(value: string): value is CrmId {
  return Object.hasOwn(crmTargets, value);
}

export function crmTarget(id: CrmId = defaultCrm): CrmTarget {
  return crmTargets[id];
}
