export {
  createDatabricksEmulator,
  DatabricksEmulator,
  type DatabricksEmulatorOptions,
  type DatabricksEndpoint,
  databricksSandboxToken,
} from './databricks-emulator.js';
export type { SeedValue } from './databricks-seed.js';
export { DatabricksSqlError } from './databricks-sql-errors.js';
export { rewriteDatabricksSql, type RewrittenStatement } from './databricks-sql-rewrite.js';
export { createSelfSignedCertificate, type TlsIdentity } from './self-signed-certificate.js';
export type { StatementFaultRule } from './tcli-service.js';
