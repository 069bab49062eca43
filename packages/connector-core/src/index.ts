// The contract
export type { Connector } from './contract/connector.js';
export type { ConnectorCapabilities } from './contract/capabilities.js';
export { defaultCapabilities } from './contract/capabilities.js';
export type {
  ConnectionTestResult,
  ReadRequest,
  RowFailure,
  RowsInput,
  WriteMode,
  WriteRequest,
  WriteResult,
} from './contract/requests.js';
export type { ColumnSchema, ColumnType, JsonValue, Row, TableSchema, Value } from './contract/row.js';

// Configuration
export {
  connectionConfigSchema,
  connectionTypes,
  type ConfigInputOf,
  type ConfigOf,
  type ConnectionConfig,
  type ConnectionConfigInput,
  type ConnectionType,
} from './config/connection-config.js';
export { normaliseConfigKeys, parseConnectionConfig, requireConfigValue } from './config/parse-connection-config.js';
export { policyDefaults, rateDefaults } from './config/defaults.js';

// Errors
export {
  AuthenticationError,
  ConfigError,
  ConnectorError,
  DataError,
  NotFoundError,
  PermissionError,
  QuotaError,
  RateLimitError,
  TransientError,
  UnsupportedOperationError,
  type ConnectorErrorOptions,
  type ErrorKind,
} from './errors/connector-error.js';
export { errorFromHttpStatus, isTransientNetworkError, parseRetryAfter } from './errors/http-status.js';
export { hints } from './errors/hints.js';

// Resilience policy
export {
  ResiliencePolicy,
  policySettingsFrom,
  type CallContext,
  type CallOptions,
  type ErrorClassifier,
  type PolicyDependencies,
  type PolicySettings,
} from './policy/resilience-policy.js';
export { SlidingWindowRateLimiter, type RateLimiterOptions } from './policy/rate-limiter.js';
export { JitteredBackoff, type BackoffOptions } from './policy/backoff.js';

// Metrics, logging, secrets
export { ConnectorMetrics, getDefaultMetricsRegistry, latencyBuckets, type Outcome } from './metrics/connector-metrics.js';
export { createConsoleLogger, silentLogger, type Logger } from './logging/logger.js';
export { redactingLogger } from './logging/redacting-logger.js';
export { Secret, revealSecret } from './secrets/secret.js';
export { Redactor } from './secrets/redactor.js';
export { credentialEnvironmentVariables, loadDotEnv, readEnvironment, resolveCredential } from './secrets/environment.js';

// Building connectors
export { BaseConnector, type ConnectorOptions } from './base/base-connector.js';
export { batchRows, collectPages, estimateBytes, iterateRows } from './base/rows.js';
export { inferColumns } from './base/infer-schema.js';

// Factory and CRM facade
export { ConnectorFactory, createConnector, type ConnectorModuleFactory, type CreateConnectorOptions } from './factory/create-connector.js';
export { connectorPackageName, loadConnectorPackage } from './factory/load-connector-package.js';
export {
  CRMConnector,
  type CrmCapableConnector,
  type CrmEntity,
  type CrmType,
  type FetchCrmDataOptions,
  type WriteCrmDataOptions,
} from './crm/crm-connector.js';
