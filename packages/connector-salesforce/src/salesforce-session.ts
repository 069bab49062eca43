import type { Connection } from 'jsforce';
import { SalesforceHttpError, sendSalesforceRequest, type SalesforceRequest, type SalesforceResponse } from './salesforce-http.js';

/** A new access token from a grant (refresh token, password, client credentials). */
export type TokenSource = () => Promise<{ accessToken: string; instanceUrl?: string }>;

export type SessionFailureReason = 'no-refresh' | 'refused-after-refresh' | 'refresh-budget';

/** The session could not be renewed: the connector turns it into an AuthenticationError with the spec's hint. */
export class SalesforceSessionError extends Error {
  override readonly name = 'SalesforceSessionError';
  constructor(
    message: string,
    readonly reason: SessionFailureReason,
  ) {
    super(message);
  }
}

export interface SessionOptions {
  /** Told every new access token, so the connector can redact it like a configured secret. */
  onToken?: (accessToken: string) => void;
  /** Refreshes allowed in any 60 s (3 by default); past it the call fails instead of refreshing again. */
  maxRefreshesPerMinute?: number;
  now?: () => number;
}

const isInvalidSession = (error: unknown) => error instanceof SalesforceHttpError && error.errorCode === 'INVALID_SESSION_ID';

/**
 * The connection's session, renewed on INVALID_SESSION_ID with a cap jsforce lacks: jsforce refreshes
 * and replays without limit while the org keeps refusing the new token (17 refreshes in 0.3 s,
 * jsforce PR #1833). Here a failed call refreshes at most once and replays once; concurrent calls
 * share one refresh; and at most `maxRefreshesPerMinute` refreshes happen in any minute.
 */
export class SalesforceSession {
  readonly #connection: Connection;
  readonly #obtain: TokenSource | undefined;
  readonly #maxPerMinute: number;
  readonly #now: () => number;
  readonly #onToken: ((accessToken: string) => void) | undefined;
  readonly #refreshedAt: number[] = [];
  #refreshing: Promise<void> | undefined;
  /** Bumped by every renewal, so a call that failed with an old token replays without refreshing again. */
  #generation = 0;

  constructor(connection: Connection, obtain: TokenSource | undefined, options: SessionOptions = {}) {
    this.#connection = connection;
    this.#obtain = obtain;
    this.#maxPerMinute = options.maxRefreshesPerMinute ?? 3;
    this.#now = options.now ?? Date.now;
    this.#onToken = options.onToken;
  }

  get canRefresh(): boolean {
    return this.#obtain !== undefined;
  }

  /** How many refreshes this session has made. */
  get refreshes(): number {
    return this.#generation;
  }

  /** The API version and instance, for building URLs. */
  get connection(): Connection {
    return this.#connection;
  }

  /** Gets the first token (the lazy connect) when none was configured. */
  async establish(): Promise<void> {
    if (this.#connection.accessToken) return;
    await this.#renew(this.#generation, false);
  }

  async send<T>(request: SalesforceRequest): Promise<SalesforceResponse<T>> {
    const generation = this.#generation;
    try {
      return await sendSalesforceRequest<T>(this.#connection, request);
    } catch (error) {
      if (!isInvalidSession(error)) throw error;
      if (!this.#obtain) throw new SalesforceSessionError('Session expired or invalid (INVALID_SESSION_ID), and no refresh is configured', 'no-refresh');
      await this.#renew(generation, true);
    }
    try {
      return await sendSalesforceRequest<T>(this.#connection, request);
    } catch (error) {
      if (isInvalidSession(error)) {
        throw new SalesforceSessionError('Session expired or invalid (INVALID_SESSION_ID) again with a freshly issued token', 'refused-after-refresh');
      }
      throw error;
    }
  }

  /** One renewal shared by every caller that saw the same token fail. */
  async #renew(generation: number, counted: boolean): Promise<void> {
    if (this.#generation !== generation) return;
    if (this.#refreshing) return this.#refreshing;
    if (counted) {
      const now = this.#now();
      while (this.#refreshedAt.length > 0 && this.#refreshedAt[0]! <= now - 60_000) this.#refreshedAt.shift();
      if (this.#refreshedAt.length >= this.#maxPerMinute) {
        throw new SalesforceSessionError(
          `Session expired again after ${this.#refreshedAt.length} refreshes in the last minute; not refreshing again`,
          'refresh-budget',
        );
      }
      this.#refreshedAt.push(now);
    }
    this.#refreshing = (async () => {
      try {
        const token = await this.#obtain!();
        this.#onToken?.(token.accessToken);
        this.#connection.accessToken = token.accessToken;
        if (token.instanceUrl) this.#connection.instanceUrl = token.instanceUrl.replace(/\/+$/, '');
        this.#generation += 1;
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }
}
