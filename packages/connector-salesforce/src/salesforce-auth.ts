import { ConfigError, hints, type Secret } from '@automl/connector-core';
import { OAuth2 } from 'jsforce';
import type { TokenSource } from './salesforce-session.js';

export type SalesforceOAuthFlow = 'access-token' | 'refresh-token' | 'password' | 'client-credentials';

/** The slice of the parsed config that authentication reads. */
export interface SalesforceAuthSettings {
  apiKey?: Secret;
  oauthFlow?: SalesforceOAuthFlow;
  loginUrl?: string;
  baseUrl?: string;
  clientId?: string;
  clientSecret?: Secret;
  refreshToken?: Secret;
  username?: string;
  password?: Secret;
  securityToken?: Secret;
}

export const defaultLoginUrl = 'https://login.salesforce.com';

/** Which grant renews the session: the one named, else the one the given keys allow. */
export function chooseFlow(settings: SalesforceAuthSettings): SalesforceOAuthFlow {
  if (settings.oauthFlow) return settings.oauthFlow;
  if (settings.refreshToken) return 'refresh-token';
  if (settings.username || settings.password) return 'password';
  if (settings.clientId && settings.clientSecret && !settings.apiKey) return 'client-credentials';
  return 'access-token';
}

const missing = (flow: SalesforceOAuthFlow, keys: string[]) =>
  new ConfigError({
    message: `Salesforce ${flow} authentication needs ${keys.join(', ')}`,
    connector: 'salesforce',
    operation: 'connect',
    hint:
      flow === 'access-token'
        ? 'Set apiKey (SALESFORCE_API_KEY) and instanceUrl (SALESFORCE_INSTANCE_URL), or the Connected App keys (clientId, clientSecret) with a refreshToken, username/password or client credentials.'
        : 'Give the Connected App consumer key and secret (clientId, clientSecret) and the keys of the grant.',
  });

/**
 * The grant that gets and renews access tokens, or undefined for a bare access token. jsforce's
 * OAuth2 client posts the grants; its loginUrl is always given explicitly (an undefined one would
 * silently become login.salesforce.com). Secrets are revealed only when a grant is posted.
 */
export function tokenSourceFor(settings: SalesforceAuthSettings, flow: SalesforceOAuthFlow): TokenSource | undefined {
  if (flow === 'access-token') {
    if (!settings.apiKey) throw missing(flow, ['apiKey']);
    return undefined;
  }
  const need = ['clientId', 'clientSecret'].filter((key) => !settings[key as 'clientId' | 'clientSecret']);
  if (flow === 'refresh-token' && !settings.refreshToken) need.push('refreshToken');
  if (flow === 'password' && !settings.username) need.push('username');
  if (flow === 'password' && !settings.password) need.push('password');
  if (need.length > 0) throw missing(flow, need);
  const loginUrl = (settings.loginUrl ?? settings.baseUrl ?? defaultLoginUrl).replace(/\/+$/, '');
  const client = () => new OAuth2({ clientId: settings.clientId!, clientSecret: settings.clientSecret!.reveal(), loginUrl });
  const toToken = (response: { access_token: string; instance_url?: string }) => ({ accessToken: response.access_token, instanceUrl: response.instance_url });
  switch (flow) {
    case 'refresh-token':
      return async () => toToken(await client().refreshToken(settings.refreshToken!.reveal()));
    case 'password':
      // The security token is appended to the password, as the username-password flow requires.
      return async () => toToken(await client().authenticate(settings.username!, settings.password!.reveal() + (settings.securityToken?.reveal() ?? '')));
    default:
      return async () => toToken(await client().requestToken({ grant_type: 'client_credentials' }));
  }
}

/** The hint for a refused grant, by the OAuth error Salesforce gave. */
export function grantHint(error: string, description: string): string {
  if (error === 'invalid_grant' && /authentication failure/i.test(description)) return hints.salesforceInvalidGrant;
  if (error === 'invalid_grant' && /inactive/i.test(description))
    return 'The Salesforce user is inactive or frozen: reactivate it or use another integration user.';
  if (error === 'invalid_grant' && /expired|refresh/i.test(description)) {
    return 'The refresh token is expired or revoked: authorise the Connected App again to get a new refresh token (check its refresh token policy).';
  }
  if (error === 'invalid_client_id' || error === 'invalid_client')
    return "Check the Connected App's consumer key (clientId) and secret (clientSecret), and the loginUrl (login, test or My Domain).";
  if (error === 'unsupported_grant_type')
    return 'This grant is not enabled for the Connected App (the username-password flow can be blocked; client credentials need a "Run As" user).';
  return hints.salesforceInvalidGrant;
}
