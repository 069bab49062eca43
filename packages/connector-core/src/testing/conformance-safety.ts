import { inspect } from 'node:util';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { ConformanceFixture } from './fixture.js';
import { LeakProbe } from './leak-probe.js';

/** Never over the configured rate (arrivals counted on the emulator), and no secret anywhere. */
export function safetyCases(fixture: ConformanceFixture): void {
  describe('policy and secrets', () => {
    if (fixture.arrivals) {
      const arrivals = fixture.arrivals.bind(fixture);
      it('never sends more than the configured rate (arrivals counted on the emulator)', async () => {
        const windowMs = 400;
        const limit = 3;
        const connector = await fixture.create({ requestsPerMinute: (limit * 60_000) / windowMs, rateLimitWindowSeconds: windowMs / 1000 });
        try {
          await connector.connect();
          const start = arrivals().length;
          // Several small reads at once: only the limiter stands between them and the server.
          await Promise.all(Array.from({ length: 8 }, () => connector.readAll({ table: fixture.table, maxRows: 1 })));
          const times = arrivals()
            .slice(start)
            .sort((left, right) => left - right);
          expect(times.length).toBeGreaterThanOrEqual(8);
          // Sliding-window check on the emulator's clock. Slots are taken on the client and stamped on
          // the server on arrival, so a loaded machine shifts them: allow half a window of
          // jitter (without a limiter the limit+1 requests land within a few milliseconds).
          for (let index = 0; index + limit < times.length; index += 1) {
            expect((times[index + limit] as number) - (times[index] as number)).toBeGreaterThanOrEqual(windowMs / 2);
          }
        } finally {
          await connector.close();
        }
      });
    }

    it('no credential in any error, log line, inspect, JSON or metric label', async () => {
      const secrets = fixture.secrets ?? [];
      const probe = new LeakProbe();
      const registry = new Registry();
      const connector = await fixture.create({});
      try {
        probe.capture(connector);
        probe.capture(inspect(connector, { depth: 8 }));
        await probe.run(() => connector.readAll({ table: fixture.table, maxRows: 2 }));
        await probe.run(() => connector.readAll({ table: 'no_such_table_for_conformance' }));
        await probe.run(() => connector.testConnection());
        if (connector.capabilities.write)
          await probe.run(() =>
            connector.write([fixture.makeRow(8000, 1)], {
              table: fixture.table,
              mode: connector.capabilities.writeModes.includes('upsert') ? 'upsert' : connector.capabilities.writeModes[0],
              keyColumn: fixture.keyColumn,
            }),
          );
      } finally {
        await connector.close();
      }
      probe.emitted.push(await registry.metrics());
      expect(probe.leaks(secrets)).toEqual([]);
      if (fixture.faults) {
        const failing = await fixture.create({ maxRetries: 0 });
        try {
          fixture.faults.inject({ kind: 'expired-credential' }, 'read');
          await probe.run(() => failing.readAll({ table: fixture.table }));
          await probe.run(() => failing.testConnection());
        } finally {
          fixture.faults.clear();
          await failing.close();
        }
        expect(probe.leaks(secrets)).toEqual([]);
      }
    });
  });
}
