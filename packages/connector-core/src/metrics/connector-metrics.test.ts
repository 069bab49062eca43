import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorMetrics, getDefaultMetricsRegistry } from './connector-metrics.js';

/** A second copy of this module, as npm installs when a connector's core range differs. */
async function secondCopy(): Promise<typeof import('./connector-metrics.js')> {
  vi.resetModules();
  return (await import('./connector-metrics.js?second-copy' as string)) as typeof import('./connector-metrics.js');
}

async function value(registry: Registry, name: string): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  return (found?.values ?? []).reduce((sum, entry) => sum + entry.value, 0);
}

describe('ConnectorMetrics', () => {
  afterEach(() => {
    vi.resetModules();
  });

  it('two copies of core on one registry share the metrics instead of crashing on "already registered"', async () => {
    const registry = new Registry();
    const first = ConnectorMetrics.for(registry);
    const copy = await secondCopy();
    expect(copy.ConnectorMetrics).not.toBe(ConnectorMetrics);
    const second = copy.ConnectorMetrics.for(registry);
    first.recordRetry('hubspot', 'write');
    second.recordRetry('hubspot', 'write');
    expect(await value(registry, 'ml_connectors_retries_total')).toBe(2);
    expect((await registry.getMetricsAsJSON()).filter((entry) => entry.name === 'ml_connectors_retries_total')).toHaveLength(1);
  });

  it('two copies of core use one default registry', async () => {
    const registry = getDefaultMetricsRegistry();
    const copy = await secondCopy();
    expect(copy.getDefaultMetricsRegistry()).toBe(registry);
    expect(() => copy.ConnectorMetrics.for()).not.toThrow();
  });

  it('reuses a metric of that name the user registered with the same labels, and names a conflicting one', async () => {
    const registry = new Registry();
    new Counter({ name: 'ml_connectors_rows_total', help: 'mine', labelNames: ['connector', 'operation'], registers: [registry] });
    ConnectorMetrics.for(registry).recordRows('excel', 'read', 3);
    expect(await value(registry, 'ml_connectors_rows_total')).toBe(3);
    const conflicting = new Registry();
    new Counter({ name: 'ml_connectors_errors_total', help: 'mine', labelNames: ['kind'], registers: [conflicting] });
    expect(() => ConnectorMetrics.for(conflicting)).toThrow(/ml_connectors_errors_total with labels \[kind\]/);
  });
});
