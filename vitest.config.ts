// The whole suite in one run (what `scripts/run test` and CI execute). Each package keeps its own
// vitest.config.ts, so `pnpm --filter <package> test` works alone too.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core machine, which
    // left a core idle while tests waited on emulators, servers and child processes (254 s vs 153 s).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
