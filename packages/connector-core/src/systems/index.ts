import { bigQuerySystem } from './bigquery.js';
import { databricksSystem } from './databricks.js';
import { excelSystem } from './excel.js';
import { googleSheetsSystem } from './googlesheets.js';
import { hubSpotSystem } from './hubspot.js';
import { mongoDbSystem } from './mongodb.js';
import { pipedriveSystem } from './pipedrive.js';
import { salesforceSystem } from './salesforce.js';

/**
 * Every system core knows, in the order docs list them. This list is the only place a new system
 * is named outside its own descriptor file and package.
 */
export const systems = [
  excelSystem,
  googleSheetsSystem,
  bigQuerySystem,
  databricksSystem,
  mongoDbSystem,
  hubSpotSystem,
  salesforceSystem,
  pipedriveSystem,
] as const;

export type SystemId = (typeof systems)[number]['id'];
export type AnySystem = (typeof systems)[number];
export type SystemOf<T extends SystemId> = Extract<AnySystem, { id: T }>;

const byId = new Map<string, AnySystem>(systems.map((system) => [system.id, system]));

/** The descriptor of a system, or undefined for an unknown id. */
export function findSystem(id: string): AnySystem | undefined {
  return byId.get(id);
}

/** The descriptor of a known system. */
export function systemDescriptor<T extends SystemId>(id: T): SystemOf<T> {
  return byId.get(id) as SystemOf<T>;
}

export const crmSystemIds = systems.filter((system) => system.crm).map((system) => system.id) as Array<Extract<AnySystem, { crm: true }>['id']>;
