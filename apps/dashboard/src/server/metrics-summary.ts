import type { Registry } from 'prom-client';

/** Per connector: what the Metrics page draws. */
export interface ConnectorMetricsSummary {
  connector: string;
  requests: number;
  errors: number;
  /** Mean latency of an operation, in milliseconds (0 before any). */
  meanLatencyMs: number;
  rowsRead: number;
  rowsWritten: number;
}

interface MetricJson {
  name: string;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

/** Sums core's ml_connectors_* series of a registry by connector. */
export async function summariseMetrics(registry: Registry): Promise<ConnectorMetricsSummary[]> {
  const metrics = (await registry.getMetricsAsJSON()) as unknown as MetricJson[];
  const byConnector = new Map<string, ConnectorMetricsSummary & { latencySum: number; latencyCount: number }>();
  const entry = (connector: string) => {
    let found = byConnector.get(connector);
    if (!found) {
      found = { connector, requests: 0, errors: 0, meanLatencyMs: 0, rowsRead: 0, rowsWritten: 0, latencySum: 0, latencyCount: 0 };
      byConnector.set(connector, found);
    }
    return found;
  };
  for (const metric of metrics) {
    for (const sample of metric.values) {
      const connector = String(sample.labels.connector ?? '');
      if (!connector) continue;
      if (metric.name === 'ml_connectors_requests_total') entry(connector).requests += sample.value;
      else if (metric.name === 'ml_connectors_errors_total') entry(connector).errors += sample.value;
      else if (metric.name === 'ml_connectors_rows_total') {
        if (sample.labels.operation === 'write') entry(connector).rowsWritten += sample.value;
        else entry(connector).rowsRead += sample.value;
      } else if (metric.name === 'ml_connectors_latency_seconds') {
        if (sample.metricName?.endsWith('_sum')) entry(connector).latencySum += sample.value;
        if (sample.metricName?.endsWith('_count')) entry(connector).latencyCount += sample.value;
      }
    }
  }
  return [...byConnector.values()]
    .map(({ latencySum, latencyCount, ...summary }) => ({
      ...summary,
      meanLatencyMs: latencyCount > 0 ? Math.round((latencySum / latencyCount) * 1000 * 10) / 10 : 0,
    }))
    .sort((a, b) => a.connector.localeCompare(b.connector));
}
