// The contract
export { connectorSpecificationVersion, type Connector } from './contract/connector.js';
export type { ConnectorCapabilities } from './contract/capabilities.js';
export { defaultCapabilities, resolveCapabilities } from './contract/capabilities.js';
export type { ConnectorContext, ServerQuota } from './contract/connector-context.js';
export type { BatchEntry, BatchOutcome, PreparedRow, ResolvedWriteRequest, WriteSession } from './contract/write-session.js';
export type {
  ConnectionTestResult,
  ReadReport,
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
  configJsonSchema,
  configSchemas,
  connectionConfigSchema,
  connectionTypes,
  type ConfigInputOf,
  type ConfigOf,
  type ConnectionConfig,
  type ConnectionConfigInput,
  type ConnectionType,
} from './config/connection-config.js';
export { normaliseConfigKeys, parseConnectionConfig, requireConfigValue, type ParseConfigOptions } from './config/parse-connection-config.js';
export { applyEnvironment, type EnvironmentSource } from './config/apply-environment.js';
export { commonConfigFields, credentialsJsonField, crmTypeField, googleConfigFields, secretField } from './config/config-fields.js';
export { policyDefaults, rateDefaults } from './config/defaults.js';

// One descriptor per system
export { crmSystemIds, findSystem, systemDescriptor, systems, type AnySystem, type SystemId, type SystemOf } from './systems/index.js';
export { defineSystem, type EnvironmentFallback, type SystemDescriptor } from './systems/system-descriptor.js';

// Errors
export {
  AuthenticationError,
  ConfigError,
  ConnectorError,
  DataError,
  NotFoundError,
  NotReadyError,
  PermissionError,
  QuotaError,
  RateLimitError,
  TransientError,
  UnsupportedOperationError,
  type ConnectorErrorOptions,
  type ErrorKind,
  type NotReadyErrorOptions,
} from './errors/connector-error.js';
export { errorFromHttpStatus, isTransientNetworkError, parseRetryAfter } from './errors/http-status.js';
export { hints } from './errors/hints.js';
export { httpErrorClassifier, type HttpErrorClassifierOptions, type HttpFailure } from './errors/http-error-classifier.js';

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
export { untilAborted } from './policy/wait.js';

// Metrics, logging, secrets
export { ConnectorMetrics, getDefaultMetricsRegistry, latencyBuckets, type Outcome } from './metrics/connector-metrics.js';
export { createConsoleLogger, silentLogger, type Logger } from './logging/logger.js';
export { redactingLogger } from './logging/redacting-logger.js';
export { Secret, revealSecret } from './secrets/secret.js';
export { Redactor } from './secrets/redactor.js';
export {
  looksLikeKeyJson,
  parseServiceAccountKey,
  resolveServiceAccountKey,
  type ServiceAccountKey,
  type ServiceAccountKeySource,
} from './secrets/service-account-key.js';
export { credentialEnvironmentVariables, loadDotEnv, loadEnvFile, readEnvironment, resolveCredential } from './secrets/environment.js';

// Building connectors
export { BaseConnector, type ConnectorOptions } from './base/base-connector.js';
export { batchRows, collectPages, estimateBytes, iterateRows } from './base/rows.js';
export { type RowFactory, rowFactory } from './base/row-factory.js';
export { keyOf, writeResultOf } from './base/write-loop.js';
export { readAhead } from './base/read-ahead.js';
export { redactUrl } from './base/redact-url.js';
export { inferColumns } from './base/infer-schema.js';

// Factory and CRM facade
export { ConnectorFactory, createConnector, type ConnectorModuleFactory, type CreateConnectorOptions } from './factory/create-connector.js';
export { connectorPackageName, isModuleNotFound, loadConnectorPackage } from './factory/load-connector-package.js';
export {
  CRMConnector,
  type CrmCapableConnector,
  type CrmEntity,
  type CrmType,
  type FetchCrmDataOptions,
  type WriteCrmDataOptions,
} from './crm/crm-connector.js';
