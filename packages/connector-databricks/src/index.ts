export { createConnector, DatabricksConnector } from './databricks-connector.js';
export { classifyDatabricksError, databricksHints } from './databricks-errors.js';
export { databricksEndpoint } from './databricks-endpoint.js';
