/**
 * The actionable hints the user's troubleshooting guide lists, in one place so every connector
 * words them the same way.
 */
export const hints = {
  googleApiNotEnabled: (api: string, project?: string) =>
    `Enable the ${api} in Google Cloud Console: APIs & Services -> Library -> "${api}" -> Enable` + (project ? ` (project ${project}).` : '.'),
  googleShareWithServiceAccount: (clientEmail?: string) =>
    `Share the spreadsheet with the service account${clientEmail ? ` ${clientEmail}` : ''} (Share -> add the client_email from the JSON key, Editor to write, Viewer to read).`,
  googleInvalidCredentials:
    'Check the service-account JSON: it must be the complete key file (type "service_account", client_email, private_key), valid JSON, with the newlines of private_key kept as \\n escapes when pasted into an environment variable.',
  hubspotTokenFormat:
    'HubSpot private-app access tokens start with "pat-" (e.g. pat-na1-...). Create one under Settings -> Integrations -> Private Apps and set HUBSPOT_API_KEY.',
  hubspotScopes: (scopes: string[]) => `Give the private app the scopes ${scopes.join(', ')}.`,
  rateLimited:
    'The system throttled the connector. Requests are retried with exponential backoff and jitter; lower requestsPerMinute or raise maxRetries if it persists.',
  salesforceInvalidGrant: 'Check the security token appended to the password and the IP allow-list of the connected app.',
  salesforceSessionExpired: 'The session expired: refresh the access token (refresh_token flow) and retry.',
  transient: 'A temporary failure; it was retried with backoff. If it persists, check the service status and your network.',
} as const;
