import { systems, type SystemId } from '../systems/index.js';

/**
 * Default request rates per connection type, from each system's descriptor (the specification's
 * BigQuery 60/min and Databricks 120/min, the vendors' published quotas for the others).
 * `windowSeconds` is the vendor's own accounting window: HubSpot counts 100 requests per 10 s on its
 * lowest tier, so the limiter must not spend a whole minute's budget in the first second.
 */
export const rateDefaults = Object.fromEntries(
  systems.map((system) => [system.id, { requestsPerMinute: system.rate.requestsPerMinute, windowSeconds: system.rate.windowSeconds }]),
) as Record<SystemId, { requestsPerMinute: number; windowSeconds: number }>;

export const policyDefaults = {
  maxRetries: 3,
  retryBackoffSeconds: 1,
  retryBackoffFactor: 2,
  /** Longest single backoff, so a large factor cannot stall a job for hours. */
  maxBackoffSeconds: 60,
  /** Longest wait a server may ask for with Retry-After before the call fails instead. */
  maxRetryAfterSeconds: 300,
  /** One request, not a whole job: bulk reads page, so 2 minutes per request is generous. */
  requestTimeoutSeconds: 120,
  /** Consecutive transient failures that open the circuit, and how long it stays open. */
  circuitBreakerThreshold: 5,
  circuitBreakerHalfOpenSeconds: 30,
} as const;
