import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionsProject } from '@automl/connections';
import { ConnectorError, createConsoleLogger, loadEnvFile, type Logger } from '@automl/connector-core';
import { Registry } from 'prom-client';

/** The options every command shares. */
export interface GlobalOptions {
  config?: string;
  json?: boolean;
  debug?: boolean;
}

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stderr is a terminal: progress lines are drawn there. */
  interactive: boolean;
}

/**
 * What a command works with: the project's connections (after loading `.env`, variables already
 * set win), one metrics registry for the run (saved for `metrics`), a cancel signal fired by Ctrl-C.
 */
export class CliContext {
  readonly project: ConnectionsProject;
  readonly registry = new Registry();
  readonly options: GlobalOptions;
  readonly output: Output;
  readonly controller = new AbortController();
  readonly logger: Logger | undefined;

  constructor(options: GlobalOptions, output: Output, cwd = process.cwd()) {
    this.options = options;
    this.output = output;
    loadEnvFile(join(cwd, '.env'));
    this.project = new ConnectionsProject({ cwd, ...(options.config ? { configPath: options.config } : {}) });
    this.logger = options.debug ? createConsoleLogger() : undefined;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  connectorOptions() {
    return { metricsRegistry: this.registry, ...(this.logger ? { logger: this.logger } : {}) };
  }

  get metricsPath(): string {
    return join(this.project.directory, '.automl-connectors', 'last-run.prom');
  }

  /** Saves the run's metrics for `automl-connectors metrics`. */
  async saveMetrics(): Promise<void> {
    const text = await this.registry.metrics();
    if (!text.trim()) return;
    mkdirSync(join(this.project.directory, '.automl-connectors'), { recursive: true });
    writeFileSync(this.metricsPath, text);
  }

  lastMetrics(): string | undefined {
    return existsSync(this.metricsPath) ? readFileSync(this.metricsPath, 'utf8') : undefined;
  }
}

/** One line for a person: the typed error's message and hint; the stack only with --debug. */
export function describeError(error: unknown, debug = false): string {
  const typed = ConnectorError.isInstance(error) ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const hint = typed?.hint ? `\n  hint: ${typed.hint}` : '';
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `✗ ${message}${hint}${stack}`;
}
