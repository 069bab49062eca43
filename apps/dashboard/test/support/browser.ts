import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium, installed by scripts/chromium.sh (scripts/run test calls it first). */
export const chromiumPath = '/usr/bin/chromium';

/** The flags this closed network needs: nothing phones home, no GPU, no sandbox (root). */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Screenshots go to the git-ignored .test-artifacts/ of the repository. */
export const artifactsDirectory = fileURLToPath(new URL('../../../../.test-artifacts/dashboard/', import.meta.url));

/**
 * Chromium with a fresh profile. No browser present is a failure, never a skip: the browser tests
 * are how the dashboard is known to work.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; profile: string }> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: run scripts/chromium.sh (as root, it installs Debian's chromium package) before the dashboard's browser tests`,
    );
  }
  mkdirSync(artifactsDirectory, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'automl-dashboard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
  });
  return { context, profile };
}
