// The harness every emulator is built on
export { EmulatorServer, type EmulatorOptions, type StartOptions } from './harness/emulator-server.js';
export { FaultInjector, type Fault, type FaultRule } from './harness/faults.js';
export { conformanceFaults, type ConformanceFaultRequest } from './harness/conformance-faults.js';
export { RateWindow } from './harness/rate-window.js';
export { RouteMatcher } from './harness/route-matcher.js';
export type { EmulatorRequest, EmulatorResponse, RecordedRequest, Route, RouteHandler } from './harness/types.js';

// A generic records API, for core's policy tests
export { createRecordsApiEmulator, type RecordsApiOptions } from './generic/records-api-emulator.js';

// Google (service-account auth + Sheets v4)
export {
  createGoogleSheetsEmulator,
  type GoogleSheetsEmulator,
  type GoogleSheetsEmulatorOptions,
  type SeedSheet,
  type SeedSpreadsheet,
} from './google/google-sheets-emulator.js';
export type { ServiceAccountKey } from './google/google-service-accounts.js';
export { columnIndex, columnLetters, parseA1, type A1Range } from './google/a1-notation.js';

// HubSpot (CRM v3)
export { createHubSpotEmulator, hubSpotSandboxToken, type HubSpotEmulator, type HubSpotEmulatorOptions } from './hubspot/hubspot-emulator.js';
export {
  HubSpotPortal,
  type CustomObjectDefinition,
  type HubSpotObjectSchema,
  type HubSpotRecord,
  type PortalState as HubSpotPortalState,
} from './hubspot/hubspot-portal.js';
export type { HubSpotProperty } from './hubspot/hubspot-default-properties.js';
export { allHubSpotScopes } from './hubspot/hubspot-scopes.js';
