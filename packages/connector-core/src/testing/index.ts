export { LeakProbe } from './leak-probe.js';
export { runConnectorConformance, type ConformanceSubject } from './conformance.js';
