// @automl/sandbox/salesforce: a local Salesforce org (OAuth, REST, sObject Collections, Bulk API 2.0).
export {
  createSalesforceEmulator,
  salesforceSandboxCredentials,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from './salesforce-emulator.js';
export { SalesforceOrg, type SalesforceRecord, type WriteOutcome } from './salesforce-org.js';
export type { ConnectedApp, SalesforceUser, SalesforceSessions } from './salesforce-oauth.js';
export type { BulkProcessing, BulkJobState } from './salesforce-bulk-ingest.js';
export {
  defaultObjects as defaultSalesforceObjects,
  externalIdField,
  field as salesforceField,
  type FieldSpec,
  type SalesforceField,
  type SalesforceFieldType,
  type SalesforceObjectDefinition,
} from './salesforce-schema.js';
export { parseSoql, type SoqlQuery } from './soql-parser.js';
