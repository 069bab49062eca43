import type { ConnectionsProject } from '@automl/connections';
import { secretFieldsOf } from '@automl/connections';
import { type ConnectionTestResult, type ConnectionType, type ConnectorOptions, commonConfigFields, configJsonSchema, systems } from '@automl/connector-core';
import { parsePipelineSpec, type PipelineSpec } from '@automl/pipeline';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { AccessControl } from './access-control.js';
import { errorBody, statusOf } from './error-body.js';
import { jsonRows } from './json-rows.js';
import { summariseMetrics } from './metrics-summary.js';
import { PipelineRuns } from './pipeline-runs.js';
import type { SecretScrubber } from './secret-scrubber.js';
import { securityHeaders } from './security-headers.js';
import { inspectServiceAccountKey, type ServiceAccountInfo } from './service-account-key.js';
import type { StaticFiles } from './static-files.js';

/** Largest request body: a service-account key is ~2.4 KB; 256 KiB leaves room and stops abuse. */
export const maxBodyBytes = 256 * 1024;
/** Rows a preview shows. */
export const previewRows = 100;

export interface DashboardAppOptions {
  project: ConnectionsProject;
  access: AccessControl;
  scrubber: SecretScrubber;
  registry: Registry;
  staticFiles: StaticFiles;
  log: (line: string) => void;
  /** The spec the Runs page starts from (the sandbox's when --sandbox). */
  defaultSpec?: PipelineSpec;
  sandbox: boolean;
}

const addConnectionBody = z.strictObject({
  name: z.string().min(1).max(64),
  config: z.record(z.string(), z.unknown()),
  replace: z.boolean().optional(),
});
const startRunBody = z.strictObject({ spec: z.unknown(), dryRun: z.boolean().optional() });

/** A key's fields whose JSON Schema says they hold a service-account key (Google systems, and any to come). */
function serviceAccountFields(id: ConnectionType): string[] {
  const properties = (configJsonSchema(id) as { properties?: Record<string, { format?: string }> }).properties ?? {};
  return Object.entries(properties)
    .filter(([, property]) => property.format === 'service-account-json')
    .map(([key]) => key);
}

/**
 * The dashboard's HTTP API and page. Every system comes from core's descriptors (its JSON Schema
 * drives the page's form), every connection from the project's one connections file; secrets go
 * in (to the project's encrypted store) and never come out.
 */
export function createDashboardApp(options: DashboardAppOptions) {
  const { project, access, scrubber, registry, log } = options;
  const connectorOptions: ConnectorOptions = { metricsRegistry: registry };
  const runs = new PipelineRuns(project, connectorOptions);
  const lastTests = new Map<string, ConnectionTestResult & { at: string }>();
  const app = new Hono<{ Variables: { session?: string } }>();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // The path only: the first URL carries the access token in its query.
    log(`${c.req.method} ${c.req.path} ${c.res.status} ${Math.round(performance.now() - started)}ms`);
  });
  app.use(...securityHeaders());
  app.use(access.middleware());
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => c.json({ error: { name: 'PayloadTooLarge', message: `The request is larger than ${maxBodyBytes / 1024} KiB` } }, 413),
    }),
  );
  // Write-only secrets: whatever JSON goes out is checked against every secret this process was given.
  app.use('/api/*', async (c, next) => {
    await next();
    if (!c.res.headers.get('content-type')?.includes('application/json')) return;
    const text = await c.res.text();
    const headers = new Headers(c.res.headers);
    c.res = new Response(scrubber.scrub(text), { status: c.res.status, headers });
  });
  app.onError((error, c) => {
    log(`error: ${scrubber.scrub(error.name)}: ${scrubber.scrub(error.message)}`);
    return c.json(errorBody(error), 500);
  });

  const readJson = async (request: Request): Promise<{ ok: true; value: unknown } | { ok: false }> => {
    if (!request.headers.get('content-type')?.includes('application/json')) return { ok: false };
    try {
      return { ok: true, value: await request.json() };
    } catch {
      return { ok: false };
    }
  };
  const invalidJson = { error: { name: 'ValidationError', message: 'The body must be JSON (Content-Type: application/json)' } };

  app.get('/api/session', (c) =>
    c.json({
      csrfToken: access.csrfTokenOf(c.get('session')) ?? null,
      connectionsFile: project.path,
      sandbox: options.sandbox,
      defaultSpec: options.defaultSpec ?? null,
    }),
  );

  app.get('/api/systems', (c) =>
    c.json(
      systems.map((system) => ({
        id: system.id,
        displayName: system.displayName,
        summary: system.summary,
        crm: system.crm,
        schema: configJsonSchema(system.id as ConnectionType),
        secretFields: secretFieldsOf(system.id as ConnectionType),
        serviceAccountFields: serviceAccountFields(system.id as ConnectionType),
        advancedFields: Object.keys(commonConfigFields),
        environment: system.environment,
        hints: system.hints,
      })),
    ),
  );

  app.get('/api/connections', (c) =>
    c.json({
      file: project.path,
      warnings: project.warnings(),
      connections: project.list().map((summary) => ({ ...summary, lastTest: lastTests.get(summary.name) ?? null })),
    }),
  );

  app.post('/api/connections', async (c) => {
    const json = await readJson(c.req.raw);
    if (!json.ok) return c.json(invalidJson, 400);
    const parsed = addConnectionBody.safeParse(json.value);
    if (!parsed.success)
      return c.json(
        {
          error: {
            name: 'ValidationError',
            message: 'Expected { name, config }',
            fields: Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message])),
          },
        },
        400,
      );
    const { name, replace } = parsed.data;
    const config = { ...parsed.data.config };
    const system = systems.find((candidate) => candidate.id === config.connectionType);
    if (!system)
      return c.json(
        { error: { name: 'ConfigError', message: 'Unknown connectionType', fields: { connectionType: `One of ${systems.map((s) => s.id).join(', ')}` } } },
        400,
      );
    const id = system.id as ConnectionType;
    for (const field of secretFieldsOf(id)) if (config[field] !== undefined) scrubber.addSecretValue(config[field]);
    let serviceAccount: ServiceAccountInfo | undefined;
    for (const field of serviceAccountFields(id)) {
      const value = config[field];
      if (value === undefined || value === '') continue;
      const inspected = inspectServiceAccountKey(value);
      if (!inspected.ok)
        return c.json({ error: { name: 'ConfigError', message: `${field}: ${inspected.message}`, fields: { [field]: inspected.message } } }, 400);
      config[field] = inspected.json;
      serviceAccount = inspected.info;
    }
    try {
      const summary = project.add(name, config, { replace: replace ?? false });
      lastTests.delete(name);
      log(`connection ${name} (${id}) saved`);
      return c.json({ connection: { ...summary, lastTest: null }, serviceAccount: serviceAccount ?? null }, 201);
    } catch (error) {
      return c.json(errorBody(error, name), statusOf(error));
    }
  });

  app.delete('/api/connections/:name', (c) => {
    const name = c.req.param('name');
    try {
      project.remove(name);
      lastTests.delete(name);
      return c.json({ removed: name });
    } catch (error) {
      return c.json(errorBody(error), statusOf(error));
    }
  });

  const withConnector = async <T>(name: string, use: (connector: Awaited<ReturnType<ConnectionsProject['open']>>) => Promise<T>): Promise<T> => {
    const connector = await project.open(name, connectorOptions);
    try {
      return await use(connector);
    } finally {
      await connector.close().catch(() => undefined);
    }
  };

  app.post('/api/connections/:name/test', async (c) => {
    const name = c.req.param('name');
    if (!project.has(name)) return c.json(errorBody(new Error(`No connection named "${name}"`)), 404);
    let result: ConnectionTestResult;
    try {
      result = await withConnector(name, (connector) => connector.testConnection());
    } catch (error) {
      const body = errorBody(error).error;
      result = {
        ok: false,
        connector: project.summary(name).connectionType,
        latencyMs: 0,
        error: { name: body.name, message: body.message, ...(body.hint ? { hint: body.hint } : {}) },
      };
    }
    const recorded = { ...result, at: new Date().toISOString() };
    lastTests.set(name, recorded);
    log(`connection ${name} tested: ${result.ok ? 'ok' : (result.error?.name ?? 'failed')}`);
    return c.json(recorded);
  });

  app.get('/api/connections/:name/tables', async (c) => {
    try {
      return c.json({ tables: await withConnector(c.req.param('name'), (connector) => connector.listTables()) });
    } catch (error) {
      return c.json(errorBody(error), statusOf(error));
    }
  });

  app.get('/api/connections/:name/tables/:table', async (c) => {
    const table = c.req.param('table');
    try {
      const preview = await withConnector(c.req.param('name'), async (connector) => {
        const schema = await connector.describe(table);
        const rows = await connector.readAll({ table, maxRows: previewRows });
        return { schema, rows: jsonRows(rows.slice(0, previewRows)) };
      });
      return c.json(preview);
    } catch (error) {
      return c.json(errorBody(error), statusOf(error));
    }
  });

  app.get('/api/metrics', async (c) => c.json({ connectors: await summariseMetrics(registry) }));
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));

  app.post('/api/runs', async (c) => {
    const json = await readJson(c.req.raw);
    if (!json.ok) return c.json(invalidJson, 400);
    const body = startRunBody.safeParse(json.value);
    if (!body.success) return c.json({ error: { name: 'ValidationError', message: 'Expected { spec, dryRun? }' } }, 400);
    let spec: PipelineSpec;
    try {
      spec = parsePipelineSpec(body.data.spec);
    } catch (error) {
      return c.json(errorBody(error), 400);
    }
    const run = runs.start(spec, body.data.dryRun ?? false);
    log(`run ${run.id} started${run.dryRun ? ' (dry run)' : ''}`);
    return c.json({ id: run.id }, 202);
  });

  app.get('/api/runs', (c) =>
    c.json({ runs: runs.list().map((run) => ({ id: run.id, dryRun: run.dryRun, startedAt: run.startedAt, status: run.report?.status ?? 'running' })) }),
  );

  app.get('/api/runs/:id/events', (c) => {
    const run = runs.get(c.req.param('id'));
    if (!run) return c.json({ error: { name: 'NotFoundError', message: 'No such run' } }, 404);
    return streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | undefined;
      const push = (event: unknown) => {
        queue.push(scrubber.scrub(JSON.stringify(event)));
        wake?.();
      };
      for (const event of run.events) push(event);
      const listener = (event: unknown) => push(event);
      if (!run.report) run.listeners.add(listener);
      stream.onAbort(() => {
        run.listeners.delete(listener);
        wake?.();
      });
      try {
        while (!stream.aborted) {
          const data = queue.shift();
          if (data === undefined) {
            if (run.report && !run.listeners.has(listener)) break;
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          await stream.writeSSE({ data, event: 'pipeline' });
          if (data.startsWith('{"type":"finished"')) break;
        }
      } finally {
        run.listeners.delete(listener);
      }
    });
  });

  app.get('/api/runs/:id/report', (c) => {
    const run = runs.get(c.req.param('id'));
    if (!run?.report) return c.json({ error: { name: 'NotFoundError', message: run ? 'The run has not finished' : 'No such run' } }, 404);
    c.header('Content-Disposition', `attachment; filename="pipeline-report-${run.id}.json"`);
    return c.json(run.report);
  });

  app.all('/api/*', (c) => c.json({ error: { name: 'NotFoundError', message: 'No such endpoint' } }, 404));

  app.get('*', (c) => {
    const file = options.staticFiles.get(c.req.path);
    if (!file) return c.text('Not found', 404);
    return c.body(file.body, 200, { 'Content-Type': file.type });
  });

  return { app, runs };
}
