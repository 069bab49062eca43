export { type Dashboard, type DashboardOptions, startDashboard } from './server/start-dashboard.js';
export { AccessControl, csrfHeaderName, sessionCookieName } from './server/access-control.js';
export { inspectServiceAccountKey, type ServiceAccountInfo } from './server/service-account-key.js';
export { type ConnectorMetricsSummary, summariseMetrics } from './server/metrics-summary.js';
export { maxBodyBytes, previewRows } from './server/dashboard-app.js';
