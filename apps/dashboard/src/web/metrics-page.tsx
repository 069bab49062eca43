import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { BarChart } from './bar-chart.tsx';

interface Summary {
  connector: string;
  requests: number;
  errors: number;
  meanLatencyMs: number;
  rowsRead: number;
  rowsWritten: number;
}

/** Core's ml_connectors_* metrics per connector, refreshed every few seconds. */
export function MetricsPage() {
  const [connectors, setConnectors] = useState<Summary[] | undefined>();
  useEffect(() => {
    const load = () => void api<{ connectors: Summary[] }>('/api/metrics').then((result) => result.ok && setConnectors(result.data.connectors));
    load();
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, []);
  const bars = (pick: (summary: Summary) => number) => (connectors ?? []).map((summary) => ({ label: summary.connector, value: pick(summary) }));
  return (
    <section>
      <h1>Metrics</h1>
      <p class="muted">
        Since the dashboard started. Prometheus text: <a href="/metrics">/metrics</a>
      </p>
      {connectors && connectors.length === 0 ? <p class="muted">No connector has run yet: test or browse a connection.</p> : null}
      {connectors && connectors.length > 0 ? (
        <div class="charts" data-testid="charts">
          <BarChart title="Requests" bars={bars((s) => s.requests)} />
          <BarChart title="Errors" bars={bars((s) => s.errors)} />
          <BarChart title="Mean latency" bars={bars((s) => s.meanLatencyMs)} unit=" ms" />
          <BarChart title="Rows read" bars={bars((s) => s.rowsRead)} />
          <BarChart title="Rows written" bars={bars((s) => s.rowsWritten)} />
        </div>
      ) : null}
    </section>
  );
}
