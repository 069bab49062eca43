export { LeakProbe } from './leak-probe.js';
export { runConnectorConformance, type ConformanceFault, type ConformanceFixture, type ConformanceOptions, type ConformanceSubject } from './conformance.js';
export { expectAccounted } from './conformance-write.js';
