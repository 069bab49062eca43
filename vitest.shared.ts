// One test recipe for every package. Workspace packages resolve to their TypeScript sources, so a
// test never runs against a stale dist/ (the published packages are tested from their tarballs
// in connector-core's packaging test).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export function packageTestConfig(name: string) {
  return defineConfig({
    resolve: {
      alias: [
        { find: /^@automl\/([a-z-]+)\/testing$/, replacement: `${root}packages/$1/src/testing/index.ts` },
        { find: /^@automl\/sandbox\/([a-z-]+)$/, replacement: `${root}packages/sandbox/src/$1/index.ts` },
        { find: /^@automl\/dashboard$/, replacement: `${root}apps/dashboard/src/index.ts` },
        { find: /^@automl\/((?:connector-[a-z]+|sandbox|automl|connections|cli|pipeline))$/, replacement: `${root}packages/$1/src/index.ts` },
      ],
    },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  });
}
