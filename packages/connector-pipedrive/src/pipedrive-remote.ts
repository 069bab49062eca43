import type { CallContext, CallOptions, ServerQuota } from '@automl/connector-core';
import type { PipedriveApis, PipedriveClient, PipedriveReply } from './pipedrive-client.js';
import { header, quotaFromHeaders } from './pipedrive-rate-limit-headers.js';

/** What a remote call needs of core: a ConnectorContext inside reads and writes, the connector itself outside. */
export interface CallScope {
  call<R>(operation: string, fn: (call: CallContext) => Promise<R>, options?: CallOptions): Promise<R>;
  observeServerQuota(quota: ServerQuota): void;
  recordBytes?(direction: 'read' | 'write', bytes: number): void;
}

/**
 * One Pipedrive request through core's policy (rate limit, timeout, retries when idempotent,
 * breaker, metrics), with the call's signal handed to the client, the burst quota of the reply's
 * `x-ratelimit-*` headers passed to core's limiter, and the bytes metered.
 */
export function pipedriveRequest<T>(
  client: PipedriveClient,
  scope: CallScope,
  operation: string,
  run: (apis: PipedriveApis) => Promise<unknown>,
  options?: CallOptions,
): Promise<PipedriveReply<T>> {
  return scope.call(
    operation,
    async ({ signal }) => {
      const reply = await client.send<T>(signal, run);
      const quota = quotaFromHeaders(reply.headers);
      if (quota) scope.observeServerQuota(quota);
      const bytes = Number(header(reply.headers, 'content-length'));
      if (Number.isFinite(bytes) && bytes > 0) scope.recordBytes?.(operation === 'write' ? 'write' : 'read', bytes);
      return reply;
    },
    options,
  );
}

/** The v2 cursor of the next page, null on the last. */
export const nextCursor = (reply: PipedriveReply<unknown>): string | undefined => {
  const cursor = reply.body.additional_data?.next_cursor;
  return typeof cursor === 'string' && cursor !== '' ? cursor : undefined;
};

/** RFC 3339 without fractions, as v2's `updated_since` takes it (rounded down, so nothing is missed). */
export const rfc3339 = (date: Date | number): string => `${new Date(date).toISOString().slice(0, 19)}Z`;
