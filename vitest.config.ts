// The whole suite in one run (what `scripts/run test` and CI execute). Each package keeps its own
// vitest.config.ts, so `pnpm --filter <package> test` works alone too.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
