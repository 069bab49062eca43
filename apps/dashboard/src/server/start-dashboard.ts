import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ConnectionsProject, secretFieldsOf } from '@automl/connections';
import { type ConnectionType, getDefaultMetricsRegistry } from '@automl/connector-core';
import { type PipelineSpec, startDemoSandbox } from '@automl/pipeline';
import { serve } from '@hono/node-server';
import type { Registry } from 'prom-client';
import { AccessControl } from './access-control.js';
import { createDashboardApp } from './dashboard-app.js';
import { SecretScrubber } from './secret-scrubber.js';
import { loadStaticFiles } from './static-files.js';

export interface DashboardOptions {
  /** The project whose one connections file the dashboard shows and edits. */
  project: ConnectionsProject;
  /** Interface to listen on: 127.0.0.1 unless told otherwise. */
  host?: string;
  /** Port (0 or omitted: a free one). */
  port?: number;
  /** Start the offline demo's emulators and add their connections (training, scoring, crm). */
  sandbox?: boolean;
  /** Where the dashboard's lines go (never a secret nor the token); silent when omitted. */
  log?: (line: string) => void;
  /** The prom-client registry the connectors record into (core's default registry when omitted). */
  metricsRegistry?: Registry;
}

export interface Dashboard {
  /** The URL to open: it carries the access token, once. */
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Starts the dashboard's server on loopback and returns its one-time URL. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const staticFiles = loadStaticFiles();
  const access = new AccessControl();
  const scrubber = new SecretScrubber();
  scrubber.add(access.token);
  let defaultSpec: PipelineSpec | undefined;
  let stopSandbox: (() => Promise<void>) | undefined;
  if (options.sandbox) {
    const sandbox = await startDemoSandbox({ stateDirectory: join(options.project.directory, '.automl-connectors', 'sandbox') });
    stopSandbox = () => sandbox.stop();
    try {
      for (const [name, config] of Object.entries(sandbox.connections)) {
        for (const field of secretFieldsOf(config.connectionType as ConnectionType)) if (config[field] !== undefined) scrubber.addSecretValue(config[field]);
        // The emulators' ports change at each start: the sandbox's entries are replaced, never duplicated.
        options.project.add(name, config, { replace: true });
      }
    } catch (error) {
      await sandbox.stop();
      throw error;
    }
    defaultSpec = sandbox.spec;
    log(`sandbox: emulators started, connections ${Object.keys(sandbox.connections).join(', ')} added to ${options.project.path}`);
  }
  const { app, runs } = createDashboardApp({
    project: options.project,
    access,
    scrubber,
    registry: options.metricsRegistry ?? getDefaultMetricsRegistry(),
    staticFiles,
    log,
    sandbox: options.sandbox ?? false,
    ...(defaultSpec ? { defaultSpec } : {}),
  });
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const started = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, () => resolve(started));
      started.once('error', reject);
    });
  } catch (error) {
    await stopSandbox?.();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  access.allow(host, port);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${port}`;
  log(`dashboard listening on ${origin} (connections file ${options.project.path})`);
  let closed: Promise<void> | undefined;
  return {
    url: `${origin}/?token=${access.token}`,
    token: access.token,
    close: () => {
      closed ??= (async () => {
        await runs.stopAll();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await stopSandbox?.();
      })();
      return closed;
    },
  };
}
