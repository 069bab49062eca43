import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoSandbox, startDemoSandbox } from '@automl/pipeline';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDirectory, launchChromium } from './support/browser.js';
import { startTestDashboard, type TestDashboard } from './support/test-dashboard.js';

// A person's session in Chromium: sign in with the printed URL, add and test connections, browse,
// watch a pipeline run; all the while, no secret and no token in what the browser holds or receives.

let t: TestDashboard;
let demo: DemoSandbox;
let context: BrowserContext;
let profile: string;
let page: Page;
const responses: Array<{ url: string; body: string }> = [];
const pages: string[] = [];
const consoleLines: string[] = [];
const badHubSpotToken = 'pat-na1-refused-by-the-portal';

const shot = async (name: string) => {
  pages.push(await page.content());
  await page.screenshot({ path: join(artifactsDirectory, `${name}.png`), fullPage: true });
};
/**
 * Sends the add form from the keyboard (focus on the button, Enter). A mouse click here lands
 * elsewhere in headless Chromium: the page scrolls between mousedown and mouseup when the focused
 * number field loses focus at the bottom of a scrolled page.
 */
const save = () => page.getByRole('button', { name: 'Save connection' }).press('Enter');
const privateKeyLine = () => t.key.private_key.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'))[2] ?? t.key.private_key;

beforeAll(async () => {
  t = await startTestDashboard();
  demo = await startDemoSandbox({ stateDirectory: join(t.directory, 'demo-state'), fresh: true, newCustomers: { count: 40 } } as never);
  for (const [name, config] of Object.entries(demo.connections)) t.project.add(name, config);
  ({ context, profile } = await launchChromium());
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => consoleLines.push(message.text()));
  page.on('response', async (response) => {
    const body = await response.text().catch(() => '');
    responses.push({ url: response.url(), body: `${JSON.stringify(response.headers())}\n${body}` });
  });
});

afterEach(async (test) => {
  if (test.task.result?.state === 'fail')
    await page?.screenshot({ path: join(artifactsDirectory, `failed-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`), fullPage: true });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await demo?.stop();
  await t?.close();
});

describe('the dashboard in Chromium', () => {
  it('opens with the printed URL: the token leaves the address bar for a cookie the page cannot read', async () => {
    await page.goto(t.dashboard.url);
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    expect(page.url()).toBe(`${t.origin}/`);
    expect(await page.evaluate('document.cookie')).toBe('');
    await expect.poll(() => page.locator('[data-connection]').count()).toBe(3);
    await shot('01-connections');
  });

  it('adds a Google Sheets connection from an uploaded key file, shows its client_email and the sharing hint', async () => {
    const keyFile = join(t.directory, 'service-account.json');
    writeFileSync(keyFile, JSON.stringify(t.key, null, 2));
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.locator('#field-system').selectOption('googlesheets');
    await page.locator('#field-name').fill('sheet');
    await page.locator('#field-spreadsheetId').fill(t.spreadsheetId);
    await page.locator('[data-testid=service-account-file]').setInputFiles(keyFile);
    await expect.poll(() => page.locator('[data-testid=client-email]').textContent()).toContain(t.key.client_email);
    await page.getByText('Advanced: rate limit').click();
    await page.locator('#field-baseUrl').fill(t.sheetsUrl);
    await page.locator('#field-maxRetries').fill('0');
    await shot('02-add-google-sheets');
    await save();
    const hint = page.locator('[data-testid=sharing-hint]');
    await hint.waitFor();
    expect(await hint.textContent()).toContain(`Share the spreadsheet with the service account ${t.key.client_email}`);
    expect(await page.locator('[data-testid=sharing-email]').textContent()).toBe(t.key.client_email);
    await hint.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(t.project.summary('sheet').secrets).toEqual({ credentialsJson: 'store' });
  });

  it('tests it against the emulator: identity and latency', async () => {
    const row = page.locator('[data-connection=sheet]');
    await row.getByRole('button', { name: 'Test' }).click();
    const ok = row.locator('[data-testid=test-ok]');
    await ok.waitFor();
    expect(await ok.textContent()).toMatch(new RegExp(`${t.key.client_email.replace(/\./g, '\\.')} \\(\\d+ ms\\)`));
    await shot('03-tested');
  });

  it('browses it: the tables, then the first rows in a grid with their types', async () => {
    await page.locator('[data-connection=sheet]').getByRole('button', { name: 'Browse' }).click();
    await page.locator('[data-testid=tables]').getByRole('button', { name: 'Customers' }).click();
    const grid = page.locator('[data-testid=preview]');
    await grid.waitFor();
    expect(await grid.locator('tbody tr').count()).toBe(3);
    expect(await grid.locator('thead th').allTextContents()).toEqual([
      expect.stringMatching(/^emailstring/),
      expect.stringMatching(/^planstring/),
      expect.stringMatching(/^seats(integer|number)/),
    ]);
    expect(await grid.locator('tbody tr').first().textContent()).toContain('ada@example.com');
    await shot('04-browse');
  });

  it('a pasted JSON that does not parse is a field error, and nothing is sent', async () => {
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.locator('#field-system').selectOption('googlesheets');
    await page.locator('#field-name').fill('pasted');
    await page.locator('[data-testid=service-account-paste]').fill('{"type": "service_account", "client_email": ');
    const error = page.locator('[data-field-error=credentialsJson]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/Not valid JSON/);
    await save();
    await page.locator('[data-testid=form-error]').waitFor();
    expect(t.project.has('pasted')).toBe(false);
    await shot('05-malformed-json');
  });

  it('a HubSpot connection with a token the portal refuses: the test shows the typed error and its hint', async () => {
    await page.locator('#field-system').selectOption('hubspot');
    await page.locator('#field-name').fill('hubspot-bad');
    await page.locator('#field-apiKey').fill(badHubSpotToken);
    expect(await page.locator('#field-apiKey').getAttribute('type')).toBe('password');
    await page.getByText('Advanced: rate limit').click();
    await page.locator('#field-baseUrl').fill(t.hubspotUrl);
    await page.locator('#field-maxRetries').fill('0');
    await save();
    const row = page.locator('[data-connection=hubspot-bad]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Test' }).click();
    await row.locator('[data-testid=test-failed]').waitFor();
    expect(await row.locator('[data-testid=test-failed]').textContent()).toContain('AuthenticationError');
    expect(await row.locator('[data-testid=test-hint]').textContent()).toMatch(/pat-|Private App/i);
    await shot('06-hubspot-hint');
  });

  it('shows the connectors metrics as charts', async () => {
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.locator('[data-testid=charts]').waitFor();
    expect(await page.locator('[data-testid=charts] figcaption').allTextContents()).toEqual([
      'Requests',
      'Errors',
      'Mean latency',
      'Rows read',
      'Rows written',
    ]);
    expect(await page.locator('[data-testid=charts]').textContent()).toContain('googlesheets');
    await shot('07-metrics');
  });

  it('runs the pipeline on the demo sandbox with live progress, and shows its counts, leaderboard, histogram and segments', async () => {
    await page.getByRole('link', { name: 'Runs' }).click();
    const spec = { ...demo.spec, automl: { candidates: ['logistic-regression'], folds: 3 } };
    await page.locator('#run-spec').fill(JSON.stringify(spec, null, 2));
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.locator('[data-stage=read-training]').waitFor();
    const report = page.locator('[data-testid=report]');
    await report.waitFor({ timeout: 45_000 });
    expect(await report.getAttribute('data-status')).toBe('completed');
    expect(await page.locator('[data-count=created]').textContent()).toBe('40');
    expect(await page.locator('[data-count=updated]').textContent()).toBe('0');
    expect(await page.locator('[data-count=failed]').textContent()).toBe('0');
    expect(await page.locator('[data-stage]').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-stage')}:${item.className}`))).toEqual([
      'read-training:stage-done',
      'train:stage-done',
      'read-scoring:stage-done',
      'score:stage-done',
      'write:stage-done',
    ]);
    expect(await page.locator('[data-testid=leaderboard] tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=histogram] rect').count()).toBe(10);
    const segments = await page.locator('[data-testid=segments] tr').evaluateAll((rows) => rows.map((row) => Number(row.lastElementChild?.textContent)));
    expect(segments.reduce((sum, count) => sum + count, 0)).toBe(40);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the JSON report' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^pipeline-report-.+\.json$/);
    await shot('08-run');

    // The same spec as a dry run: everything is in the CRM already, nothing would change.
    await page.getByLabel('Dry run').check();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.locator('[data-testid=report][data-status=dry-run]').waitFor({ timeout: 45_000 });
    expect(await page.locator('[data-count=unchanged]').textContent()).toBe('40');
    expect(await page.locator('[data-count=created]').textContent()).toBe('0');
  });

  it('refuses a browser without the token, and a request from a foreign origin even with the cookie', async () => {
    const stranger = await context.browser()?.newContext();
    if (stranger) {
      const response = await (await stranger.newPage()).goto(`${t.origin}/`);
      expect(response?.status()).toBe(401);
      await stranger.close();
    }
    const foreign = await context.request.post(`${t.origin}/api/connections`, {
      headers: { Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      data: { name: 'evil', config: { connectionType: 'excel', filePath: 'x.xlsx' } },
    });
    expect(foreign.status()).toBe(403);
    const withCookieButNoCsrf = await context.request.post(`${t.origin}/api/connections`, {
      headers: { Origin: t.origin, 'Content-Type': 'application/json' },
      data: { name: 'evil', config: { connectionType: 'excel', filePath: 'x.xlsx' } },
    });
    expect(withCookieButNoCsrf.status()).toBe(403);
    const noToken = await fetch(`${t.origin}/api/connections`);
    expect(noToken.status).toBe(401);
    expect(t.project.has('evil')).toBe(false);
  });

  it('ran under its Content-Security-Policy without a single violation', () => {
    expect(consoleLines.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([]);
  });

  it('never had the private key or the token in a page, a network response or the server log', () => {
    const everything = [...pages, ...responses.map((response) => response.body)];
    expect(responses.length).toBeGreaterThan(20);
    for (const secret of [privateKeyLine(), t.dashboard.token, badHubSpotToken]) {
      expect(everything.some((text) => text.includes(secret))).toBe(false);
      expect(t.logs.some((line) => line.includes(secret))).toBe(false);
    }
  });
});
