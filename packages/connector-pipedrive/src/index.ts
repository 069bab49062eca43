export { PipedriveConnector, createConnector, defaultPipedriveBaseUrl } from './pipedrive-connector.js';
export { convertPipedriveRecord, pageConverter, personEmails, primaryValue, recordConverter, standardColumns } from './convert-pipedrive-record.js';
export { classifyPipedriveError, pipedriveHints, PipedriveHttpError, PipedriveNetworkError } from './pipedrive-errors.js';
export { PipedriveFieldCatalog, isCustomFieldKey, type PipedriveFieldDefinition } from './pipedrive-field-catalog.js';
export { createOutcomeUnknown } from './pipedrive-person-create.js';
export { searchLookupMaxRows, searchLagAllowanceMs } from './pipedrive-person-lookup.js';
export { pipedriveEntities, type PipedriveEntity } from './pipedrive-entities.js';
export { quotaFromHeaders, retryDelayFromHeaders, dailyBudgetExhausted, pipedriveWindowMs } from './pipedrive-rate-limit-headers.js';
