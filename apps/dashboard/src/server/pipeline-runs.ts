import { randomUUID } from 'node:crypto';
import type { ConnectionsProject } from '@automl/connections';
import type { ConnectorOptions } from '@automl/connector-core';
import { type PipelineEvent, type PipelineReport, type PipelineSpec, runPipelineJob } from '@automl/pipeline';

/** One pipeline run started from the page: its events so far (replayed to a late listener) and its report. */
export interface PipelineRun {
  id: string;
  dryRun: boolean;
  startedAt: string;
  events: PipelineEvent[];
  report?: PipelineReport;
  controller: AbortController;
  listeners: Set<(event: PipelineEvent) => void>;
}

/** The runs of this dashboard process, newest last. Runs live in memory only: the report is the record. */
export class PipelineRuns {
  readonly #runs = new Map<string, PipelineRun>();
  readonly #project: ConnectionsProject;
  readonly #connectorOptions: ConnectorOptions;

  constructor(project: ConnectionsProject, connectorOptions: ConnectorOptions) {
    this.#project = project;
    this.#connectorOptions = connectorOptions;
  }

  start(spec: PipelineSpec, dryRun: boolean): PipelineRun {
    const run: PipelineRun = {
      id: randomUUID(),
      dryRun,
      startedAt: new Date().toISOString(),
      events: [],
      controller: new AbortController(),
      listeners: new Set(),
    };
    this.#runs.set(run.id, run);
    const emit = (event: PipelineEvent) => {
      run.events.push(event);
      for (const listener of run.listeners) listener(event);
    };
    void runPipelineJob(spec, {
      project: this.#project,
      signal: run.controller.signal,
      dryRun,
      onEvent: (event) => {
        if (event.type !== 'finished') emit(event);
      },
      connectorOptions: this.#connectorOptions,
    }).then((report) => {
      run.report = report;
      emit({ type: 'finished', report });
    });
    return run;
  }

  get(id: string): PipelineRun | undefined {
    return this.#runs.get(id);
  }

  list(): PipelineRun[] {
    return [...this.#runs.values()];
  }

  /** Cancels what is still running (the dashboard is closing). */
  async stopAll(): Promise<void> {
    const running = this.list().filter((run) => !run.report);
    for (const run of running) run.controller.abort();
    await Promise.all(
      running.map((run) => new Promise<void>((resolve) => (run.report ? resolve() : run.listeners.add((event) => event.type === 'finished' && resolve())))),
    );
  }
}
