import { defineConfig, mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// One FerretDB server (a real MongoDB wire-protocol server) per test run, built once by
// scripts/ferretdb.sh and started on a free loopback port by the global setup.
export default mergeConfig(
  packageTestConfig('connector-mongodb'),
  defineConfig({ test: { globalSetup: ['./src/test-support/ferretdb-global-setup.ts'] } }),
);
