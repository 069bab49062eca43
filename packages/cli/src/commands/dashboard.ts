import { ConfigError } from '@automl/connector-core';
import type { CliContext } from '../cli-context.js';

interface DashboardModule {
  startDashboard(options: {
    project: unknown;
    host?: string;
    port?: number;
    sandbox?: boolean;
    log?: (line: string) => void;
    metricsRegistry?: unknown;
  }): Promise<{ url: string; close(): Promise<void> }>;
}

/** Starts the web dashboard (@automl/dashboard) on loopback and waits for Ctrl-C. */
export async function dashboardCommand(context: CliContext, options: { port?: number; host?: string; sandbox?: boolean }): Promise<number> {
  let module: DashboardModule;
  try {
    module = (await import('@automl/dashboard' as string)) as DashboardModule;
  } catch {
    throw new ConfigError({ message: 'The dashboard is not installed', operation: 'dashboard', hint: 'npm install @automl/dashboard' });
  }
  const dashboard = await module.startDashboard({
    project: context.project,
    host: options.host ?? '127.0.0.1',
    ...(options.port !== undefined ? { port: options.port } : {}),
    sandbox: options.sandbox ?? false,
    log: (line) => context.output.err(`${line}\n`),
    metricsRegistry: context.registry,
  });
  context.output.out(`dashboard: ${dashboard.url}\n`);
  await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
  await dashboard.close();
  return 0;
}
