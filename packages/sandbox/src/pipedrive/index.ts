export { createPipedriveEmulator, pipedriveSandboxToken, type PipedriveEmulator, type PipedriveEmulatorOptions } from './pipedrive-emulator.js';
export { PipedriveCompany, rfc3339, type ContactItem, type PipedriveCompanyState, type PipedriveRecord } from './pipedrive-company.js';
export { pipedriveEntities, fieldsPathOf, type FieldOption, type PipedriveEntity, type PipedriveField } from './pipedrive-fields.js';
export { TokenBudget, defaultTokenCosts, costKindOf, type TokenCostKind } from './pipedrive-token-budget.js';
export { LeadBook, type LeadRecord } from './pipedrive-leads.js';
