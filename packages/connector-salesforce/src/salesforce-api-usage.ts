import { createRequire } from 'node:module';
import type { Gauge, Registry } from 'prom-client';

/** `Sforce-Limit-Info: api-usage=N/M`: the org's API requests in the last 24 hours and its allocation. */
export function parseApiUsage(header: string | undefined): { used: number; limit: number } | undefined {
  const match = /api-usage=(\d+)\/(\d+)/.exec(header ?? '');
  return match ? { used: Number(match[1]), limit: Number(match[2]) } : undefined;
}

const gauges = new WeakMap<Registry, Gauge<'connector' | 'kind'>>();

/**
 * The `ml_connectors_api_usage` gauge ({connector, kind: used | limit}) on the caller's registry,
 * fed from every response's Sforce-Limit-Info header, so a dashboard sees the daily allocation drain
 * (it is shared by every integration of the org). A no-op without prom-client or a registry.
 */
export function apiUsageGauge(registry: Registry | undefined): ((usage: { used: number; limit: number }) => void) | undefined {
  if (!registry) return undefined;
  let gauge = gauges.get(registry);
  if (!gauge) {
    const existing = registry.getSingleMetric('ml_connectors_api_usage') as Gauge<'connector' | 'kind'> | undefined;
    if (existing) gauge = existing;
    else {
      let client: typeof import('prom-client');
      try {
        client = createRequire(import.meta.url)('prom-client') as typeof import('prom-client');
      } catch {
        return undefined;
      }
      gauge = new client.Gauge({
        name: 'ml_connectors_api_usage',
        help: 'API requests the vendor counts against its allocation (Salesforce: rolling 24 hours), used and limit.',
        labelNames: ['connector', 'kind'],
        registers: [registry],
      });
    }
    gauges.set(registry, gauge);
  }
  const target = gauge;
  return (usage) => {
    target.set({ connector: 'salesforce', kind: 'used' }, usage.used);
    target.set({ connector: 'salesforce', kind: 'limit' }, usage.limit);
  };
}
