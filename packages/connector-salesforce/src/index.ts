export {
  bulkRecordsPerJob,
  createConnector,
  defaultApiVersion,
  defaultBulkReadThreshold,
  SalesforceConnector,
  type SalesforceConnectorConfig,
} from './salesforce-connector.js';
export { classifySalesforceError } from './salesforce-errors.js';
export { SalesforceHttpError } from './salesforce-http.js';
export { SalesforceSessionError, type SessionFailureReason } from './salesforce-session.js';
export { BulkJobPendingError } from './salesforce-bulk-job.js';
export { defaultLoginUrl, type SalesforceOAuthFlow } from './salesforce-auth.js';
