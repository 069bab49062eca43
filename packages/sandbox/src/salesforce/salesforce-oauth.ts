import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import { oauthError } from './salesforce-error-bodies.js';
import { opaqueToken } from './salesforce-ids.js';

export interface SalesforceUser {
  username: string;
  password: string;
  /** Appended to the password by callers outside the org's trusted IP ranges. */
  securityToken: string;
  active?: boolean;
  /** The caller is inside a trusted IP range: the password alone is accepted. */
  trustedIp?: boolean;
}

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  /** The user client-credentials tokens run as ("Run As" of the app); none: the flow is not enabled. */
  runAs?: string;
}

interface Session {
  username: string;
  expired: boolean;
}

/**
 * The org's sessions and the OAuth 2.0 token endpoint (`/services/oauth2/token`): the
 * username-password grant (security token appended to the password), refresh_token and
 * client_credentials, with Salesforce's `{error, error_description}` replies. Access tokens are
 * opaque `00D...!` strings; `expireSessions()` turns every issued token into a 401 INVALID_SESSION_ID.
 */
export class SalesforceSessions {
  readonly users: SalesforceUser[];
  readonly apps: ConnectedApp[];
  readonly #sessions = new Map<string, Session>();
  readonly #refreshTokens = new Map<string, { username: string; clientId: string }>();
  /** Every grant the token endpoint answered, successful or not, in order. */
  readonly grants: Array<{ grantType: string; ok: boolean; error?: string }> = [];

  constructor(
    users: SalesforceUser[],
    apps: ConnectedApp[],
    readonly organizationId: string,
  ) {
    this.users = users;
    this.apps = apps;
  }

  /** A new valid access token for a user (what a login would return). */
  issueAccessToken(username = this.users[0]?.username ?? 'user'): string {
    const token = `${this.organizationId}!${opaqueToken(96)}`;
    this.#sessions.set(token, { username, expired: false });
    return token;
  }

  /** A refresh token for a user and app, as the web-server flow hands out. */
  issueRefreshToken(clientId = this.apps[0]?.clientId ?? 'client', username = this.users[0]?.username ?? 'user'): string {
    const token = `5Aep8${opaqueToken(80)}`;
    this.#refreshTokens.set(token, { username, clientId });
    return token;
  }

  /** The user behind a bearer token, or undefined when it is unknown or expired. */
  principal(token: string | undefined): string | undefined {
    const session = token === undefined ? undefined : this.#sessions.get(token);
    return session && !session.expired ? session.username : undefined;
  }

  /** Every access token issued so far now answers 401 (the session timeout passed). */
  expireSessions(): void {
    for (const session of this.#sessions.values()) session.expired = true;
  }

  /** The refresh token stops working (revoked by an admin or its policy). */
  revokeRefreshTokens(): void {
    this.#refreshTokens.clear();
  }

  clear(): void {
    this.#sessions.clear();
    this.#refreshTokens.clear();
    this.grants.length = 0;
  }

  routes(instanceUrl: () => string): Route[] {
    return [
      { method: 'POST', path: '/services/oauth2/token', name: 'oauth.token', handler: (request) => this.#token(request, instanceUrl()) },
      {
        method: 'POST',
        path: '/services/oauth2/revoke',
        name: 'oauth.revoke',
        handler: (request) => {
          const token = String((request.body as Record<string, unknown> | undefined)?.token ?? '');
          this.#sessions.delete(token);
          this.#refreshTokens.delete(token);
          return { status: 200 };
        },
      },
    ];
  }

  #token(request: EmulatorRequest, instanceUrl: string): EmulatorResponse {
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, string | undefined>;
    const grantType = form.grant_type ?? '';
    const answer = (response: EmulatorResponse) => {
      const body = response.body as { error?: string } | undefined;
      this.grants.push({ grantType, ok: response.status === 200, ...(body?.error ? { error: body.error } : {}) });
      return response;
    };
    const app = this.apps.find((candidate) => candidate.clientId === form.client_id);
    if (!app) return answer(oauthError('invalid_client_id', 'client identifier invalid'));
    if (form.client_secret !== undefined && form.client_secret !== app.clientSecret) return answer(oauthError('invalid_client', 'invalid client credentials'));
    const success = (username: string, extra: Record<string, string> = {}): EmulatorResponse => {
      const accessToken = this.issueAccessToken(username);
      return answer({
        status: 200,
        body: {
          access_token: accessToken,
          instance_url: instanceUrl,
          id: `${instanceUrl}/id/${this.organizationId}/005Wg000000AuToML`,
          token_type: 'Bearer',
          issued_at: String(Date.now()),
          signature: Buffer.from(opaqueToken(32)).toString('base64'),
          ...extra,
        },
      });
    };
    switch (grantType) {
      case 'password': {
        if (form.client_secret === undefined) return answer(oauthError('invalid_client', 'invalid client credentials'));
        const user = this.users.find((candidate) => candidate.username === form.username);
        const password = form.password ?? '';
        const accepted = user && (password === user.password + user.securityToken || (user.trustedIp === true && password === user.password));
        if (!user || !accepted) return answer(oauthError('invalid_grant', 'authentication failure'));
        if (user.active === false) return answer(oauthError('invalid_grant', 'inactive user'));
        return success(user.username);
      }
      case 'refresh_token': {
        const grant = this.#refreshTokens.get(form.refresh_token ?? '');
        if (!grant || grant.clientId !== app.clientId) return answer(oauthError('invalid_grant', 'expired access/refresh token'));
        const user = this.users.find((candidate) => candidate.username === grant.username);
        if (user?.active === false) return answer(oauthError('invalid_grant', 'inactive user'));
        return success(grant.username);
      }
      case 'client_credentials': {
        if (form.client_secret === undefined) return answer(oauthError('invalid_client', 'invalid client credentials'));
        if (!app.runAs) return answer(oauthError('invalid_grant', 'no client credentials user enabled'));
        return success(app.runAs);
      }
      default:
        return answer(oauthError('unsupported_grant_type', 'grant type not supported'));
    }
  }
}
