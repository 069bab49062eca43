/**
 * Default request rates per connection type, from the specification (BigQuery 60/min, Databricks
 * 120/min) and the vendors' published quotas for the others. `windowSeconds` is the vendor's own
 * accounting window: HubSpot counts 100 requests per 10 s on its lowest tier, so the limiter must
 * not spend a whole minute's budget in the first second.
 */
export const rateDefaults = {
  excel: { requestsPerMinute: 0, windowSeconds: 60 }, // local file: no limit
  googlesheets: { requestsPerMinute: 60, windowSeconds: 60 }, // Sheets API: 60 read requests/min/user
  bigquery: { requestsPerMinute: 60, windowSeconds: 60 }, // specification default
  databricks: { requestsPerMinute: 120, windowSeconds: 60 }, // specification default
  mongodb: { requestsPerMinute: 0, windowSeconds: 60 }, // a database: bounded by the pool, not a quota
  hubspot: { requestsPerMinute: 600, windowSeconds: 10 }, // 100 requests / 10 s (Free/Starter private apps)
  salesforce: { requestsPerMinute: 60, windowSeconds: 60 }, // ~100k calls/24 h on Enterprise = 69/min
  pipedrive: { requestsPerMinute: 240, windowSeconds: 10 }, // 80 requests / 2 s (Essential), kept well under
} as const;

export const policyDefaults = {
  maxRetries: 3,
  retryBackoffSeconds: 1,
  retryBackoffFactor: 2,
  /** Longest single backoff, so a large factor cannot stall a job for hours. */
  maxBackoffSeconds: 60,
  /** One request, not a whole job: bulk reads page, so 2 minutes per request is generous. */
  requestTimeoutSeconds: 120,
  /** Consecutive transient failures that open the circuit, and how long it stays open. */
  circuitBreakerThreshold: 5,
  circuitBreakerHalfOpenSeconds: 30,
} as const;
