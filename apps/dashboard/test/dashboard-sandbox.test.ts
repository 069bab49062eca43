import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionsProject } from '@automl/connections';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startDashboard } from '../src/index.js';
import { HttpSession } from './support/http-session.js';

describe('startDashboard({ sandbox: true })', () => {
  it('starts the demo emulators, adds their connections to the project file, offers the demo spec, and stops them on close', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'automl-dashboard-sandbox-'));
    const project = new ConnectionsProject({ cwd: directory, environment: { AUTOML_CONNECTORS_SECRET_KEY: 'e'.repeat(64) } });
    const logs: string[] = [];
    const dashboard = await startDashboard({ project, sandbox: true, log: (line) => logs.push(line), metricsRegistry: new Registry() });
    let scoringUrl = '';
    try {
      const { session } = await HttpSession.login(dashboard.url);
      const info = (await session.json('/api/session')) as { sandbox: boolean; defaultSpec: { scoring: { connection: string } } };
      expect(info.sandbox).toBe(true);
      expect(info.defaultSpec.scoring.connection).toBe('scoring');
      expect(project.names()).toEqual(['crm', 'scoring', 'training']);
      scoringUrl = String(project.summary('scoring').settings.baseUrl);
      const test = (await session.json('/api/connections/scoring/test', { method: 'POST' })) as { ok: boolean; identity: string };
      expect(test).toMatchObject({ ok: true, identity: 'pipeline-demo@automl-sandbox.iam.gserviceaccount.com' });
      const file = readFileSync(project.path, 'utf8');
      expect(file).toContain('store:scoring.credentialsJson');
      expect(file).not.toContain('PRIVATE KEY');
      expect(session.bodies.join('\n')).not.toContain('PRIVATE KEY');
    } finally {
      await dashboard.close();
    }
    await expect(fetch(scoringUrl)).rejects.toThrow();
    expect(logs.join('\n')).toContain('sandbox: emulators started');
  });
});
