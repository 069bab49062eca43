// The transport-neutral parts every emulator is built on: `@automl/sandbox/harness`.
export { EmulatorServer, type EmulatorOptions, type StartOptions } from './emulator-server.js';
export { FaultInjector, type Fault, type FaultRule } from './faults.js';
export { conformanceFaults, type ConformanceFaultRequest } from './conformance-faults.js';
export { RateWindow } from './rate-window.js';
export { RouteMatcher } from './route-matcher.js';
export type { EmulatorRequest, EmulatorResponse, RecordedRequest, Route, RouteHandler } from './types.js';
