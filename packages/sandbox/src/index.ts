// The harness every emulator is built on
export { EmulatorServer, type EmulatorOptions, type StartOptions } from './harness/emulator-server.js';
export { FaultInjector, type Fault, type FaultRule } from './harness/faults.js';
export { RateWindow } from './harness/rate-window.js';
export { RouteMatcher } from './harness/route-matcher.js';
export type { EmulatorRequest, EmulatorResponse, RecordedRequest, Route, RouteHandler } from './harness/types.js';

// A generic records API, for core's policy tests
export { createRecordsApiEmulator, type RecordsApiOptions } from './generic/records-api-emulator.js';

// Google (service-account auth + Sheets v4)

// HubSpot (CRM v3)
