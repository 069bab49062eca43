import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExcelConnector } from '../src/index.js';

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export function open(name: string): ExcelConnector {
  return new ExcelConnector({ connectionType: 'excel', filePath: fixture(name) }, { metricsRegistry: null });
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function temporaryDirectory(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'connector-excel-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export const utc = (...parts: [number, number, number, number?, number?, number?]) =>
  new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3] ?? 0, parts[4] ?? 0, parts[5] ?? 0));
