import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from './api.ts';
import { Histogram } from './bar-chart.tsx';

interface Report {
  status: string;
  leaderboard: Array<{ model: string; score: number; metric: string; warning?: string }>;
  predictions: { rows: number; segments: Record<string, number>; churnRiskHistogram: number[] };
  destination: {
    created: number;
    updated: number;
    unchanged?: number;
    failed: Array<{ index: number; reason: string }>;
    sample?: Array<{ key: string; action: 'create' | 'update'; before?: Record<string, unknown>; after: Record<string, unknown> }>;
  };
  error?: { name: string; message: string; hint?: string };
}

type PipelineEvent =
  | { type: 'stage'; stage: string; status: 'started' | 'done' | 'failed'; message: string }
  | { type: 'progress'; stage: string; done: number; total?: number }
  | { type: 'finished'; report: Report };

const template = {
  training: { connection: 'training', labelColumn: 'churned' },
  scoring: { connection: 'scoring', table: 'New customers' },
  destination: { connection: 'crm', table: 'contacts', keyColumn: 'email', mode: 'upsert' },
};

const binLabels = Array.from({ length: 10 }, (_, index) => `${index / 10}`);

/** Starts a pipeline run and follows it live over server-sent events. */
export function RunsPage({ defaultSpec }: { defaultSpec: unknown }) {
  const [spec, setSpec] = useState(JSON.stringify(defaultSpec ?? template, null, 2));
  const [dryRun, setDryRun] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [runId, setRunId] = useState<string | undefined>();
  const [stages, setStages] = useState<Record<string, { status: string; message: string }>>({});
  const [progress, setProgress] = useState<Record<string, { done: number; total?: number }>>({});
  const [report, setReport] = useState<Report | undefined>();
  const source = useRef<EventSource | undefined>(undefined);
  useEffect(() => () => source.current?.close(), []);
  const start = async () => {
    setError(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(spec);
    } catch {
      setError({ name: 'ValidationError', message: 'The spec is not valid JSON.' });
      return;
    }
    const result = await api<{ id: string }>('/api/runs', { method: 'POST', body: { spec: parsed, dryRun } });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setStages({});
    setProgress({});
    setReport(undefined);
    setRunId(result.data.id);
    source.current?.close();
    const events = new EventSource(`/api/runs/${result.data.id}/events`);
    source.current = events;
    events.addEventListener('pipeline', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as PipelineEvent;
      if (event.type === 'stage') setStages((current) => ({ ...current, [event.stage]: { status: event.status, message: event.message } }));
      else if (event.type === 'progress')
        setProgress((current) => ({ ...current, [event.stage]: { done: event.done, ...(event.total !== undefined ? { total: event.total } : {}) } }));
      else {
        setReport(event.report);
        events.close();
      }
    });
  };
  const running = runId !== undefined && report === undefined;
  return (
    <section>
      <h1>Runs</h1>
      <div class="field">
        <label for="run-spec">Pipeline spec (JSON)</label>
        <textarea id="run-spec" rows={10} spellcheck={false} value={spec} onInput={(event) => setSpec(event.currentTarget.value)} />
      </div>
      <label class="inline">
        <input type="checkbox" checked={dryRun} onChange={(event) => setDryRun(event.currentTarget.checked)} /> Dry run (write nothing; show what would change)
      </label>
      <div>
        <button type="button" disabled={running} onClick={start}>
          {running ? 'Running…' : 'Start run'}
        </button>
      </div>
      {error ? (
        <div class="fail" role="alert">
          <strong>{error.name}</strong>: {error.message}
          {error.hint ? <div class="hint">Hint: {error.hint}</div> : null}
        </div>
      ) : null}
      {runId ? (
        <ol class="stages" data-testid="stages">
          {Object.entries(stages).map(([stage, state]) => (
            <li class={`stage-${state.status}`} data-stage={stage}>
              <strong>{stage}</strong> {state.status} <span class="muted">{state.message}</span>
              {progress[stage] ? (
                <span class="muted">
                  {' '}
                  {progress[stage].done}
                  {progress[stage].total !== undefined ? ` / ${progress[stage].total}` : ''}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      {report ? (
        <div class="card" data-testid="report" data-status={report.status}>
          <h2>
            Run {report.status}{' '}
            <a href={`/api/runs/${runId}/report`} download>
              Download the JSON report
            </a>
          </h2>
          {report.error ? (
            <div class="fail">
              <strong>{report.error.name}</strong>: {report.error.message}
              {report.error.hint ? <div class="hint">Hint: {report.error.hint}</div> : null}
            </div>
          ) : null}
          <div class="counts" data-testid="counts">
            <span>
              created <strong data-count="created">{report.destination.created}</strong>
            </span>
            <span>
              updated <strong data-count="updated">{report.destination.updated}</strong>
            </span>
            {report.destination.unchanged !== undefined ? (
              <span>
                unchanged <strong data-count="unchanged">{report.destination.unchanged}</strong>
              </span>
            ) : null}
            <span>
              failed <strong data-count="failed">{report.destination.failed.length}</strong>
            </span>
          </div>
          {report.destination.sample && report.destination.sample.length > 0 ? (
            <div data-testid="dry-run-sample">
              <h3>What the write would change (sample)</h3>
              <table class="grid">
                <thead>
                  <tr>
                    <th>Key</th>
                    <th>Action</th>
                    <th>After</th>
                  </tr>
                </thead>
                <tbody>
                  {report.destination.sample.map((change) => (
                    <tr>
                      <td>{change.key}</td>
                      <td>{change.action}</td>
                      <td>{JSON.stringify(change.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {report.destination.failed.length > 0 ? (
            <ul>
              {report.destination.failed.slice(0, 20).map((failure) => (
                <li>
                  row {failure.index}: {failure.reason}
                </li>
              ))}
            </ul>
          ) : null}
          <div class="charts">
            <div>
              <h3>Leaderboard</h3>
              <table class="grid" data-testid="leaderboard">
                <thead>
                  <tr>
                    <th>Model</th>
                    <th>Score</th>
                    <th>Metric</th>
                  </tr>
                </thead>
                <tbody>
                  {report.leaderboard.map((entry) => (
                    <tr>
                      <td>{entry.model}</td>
                      <td>{entry.score.toFixed(4)}</td>
                      <td>{entry.metric}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Histogram title={`churn_risk (${report.predictions.rows} rows)`} counts={report.predictions.churnRiskHistogram} labels={binLabels} />
            <div>
              <h3>Segments</h3>
              <table class="grid" data-testid="segments">
                <tbody>
                  {Object.entries(report.predictions.segments).map(([segment, count]) => (
                    <tr>
                      <td>{segment}</td>
                      <td>{count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      ) : null}
    </section>
  );
}
