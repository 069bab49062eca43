import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * Paths inside apps/pipeline-demo, from this file's location so they are the same from src/ (tests)
 * and dist/ (the built CLI), whatever the working directory.
 */
export const appDirectory = fileURLToPath(new URL('..', import.meta.url));

/** The training table shipped with the app (scripts/generate-customers.ts writes it). */
export const defaultDataPath = join(appDirectory, 'data', 'customers.xlsx');

/** The offline sandbox's state (git-ignored): the emulators' JSON files and the run reports. */
export const defaultStateDirectory = join(appDirectory, '.sandbox-state');
