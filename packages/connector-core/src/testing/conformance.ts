import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { WriteMode } from '../contract/requests.js';
import type { ConformanceFixture } from './fixture.js';
import { runLegacyConformance, type ConformanceSubject } from './conformance-legacy.js';
import { readCases } from './conformance-read.js';
import { safetyCases } from './conformance-safety.js';
import { writeCases } from './conformance-write.js';

export interface ConformanceOptions {
  /** What the connector declares (read off a connector: `connector.capabilities`). */
  capabilities: { write: boolean; writeModes: readonly WriteMode[] };
}

/**
 * The behaviour every connector shares, as one suite each connector package runs over its own
 * emulator or server (as unstorage's `testDriver`): reads, writes in each declared mode, faults
 * (429, 5xx, resets, late landings, expired credentials), cancels, the rate limit and secrets,
 * each asserted on the system's state, gated by the connector's capabilities.
 */
export function runConnectorConformance(name: string, fixture: ConformanceFixture, options: ConformanceOptions): void;
/** @deprecated the first, read-only suite. */
export function runConnectorConformance(name: string, subject: ConformanceSubject): void;
export function runConnectorConformance(name: string, fixture: ConformanceFixture | ConformanceSubject, options?: ConformanceOptions): void {
  if (!options || !('reset' in fixture)) {
    runLegacyConformance(name, fixture as ConformanceSubject);
    return;
  }
  describe(`${name}: connector conformance`, () => {
    beforeAll(async () => {
      await fixture.start?.();
    });
    afterAll(async () => {
      await fixture.stop?.();
    });
    beforeEach(async () => {
      await fixture.reset();
      await fixture.seed(fixture.table, fixture.rows);
    });
    readCases(fixture);
    writeCases(fixture, options.capabilities);
    safetyCases(fixture);
  });
}

export type { ConformanceFault, ConformanceFixture } from './fixture.js';
export type { ConformanceSubject } from './conformance-legacy.js';
