// The page's only way to the server: same-origin fetches with the session cookie, and the CSRF
// token (from GET /api/session) on every state-changing request.

export interface ApiError {
  name: string;
  message: string;
  hint?: string;
  fields?: Record<string, string>;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; error: ApiError };

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (init.method && init.method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch (error) {
    return { ok: false, status: 0, error: { name: 'NetworkError', message: String(error) } };
  }
  const data = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (data as { error?: ApiError } | null)?.error ?? { name: 'HttpError', message: `HTTP ${response.status}` };
    return { ok: false, status: response.status, error };
  }
  return { ok: true, data: data as T };
}

// The server's shapes, as the page uses them.
export interface JsonSchemaProperty {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  format?: string;
  secret?: boolean;
  anyOf?: JsonSchemaProperty[];
  minimum?: number;
  maximum?: number;
}

export interface SystemInfo {
  id: string;
  displayName: string;
  summary: string;
  crm: boolean;
  schema: { properties: Record<string, JsonSchemaProperty>; required?: string[] };
  secretFields: string[];
  serviceAccountFields: string[];
  advancedFields: string[];
  environment: Array<{ key: string; variable: string }>;
  hints: Record<string, string>;
}

export interface TestResult {
  ok: boolean;
  connector: string;
  identity?: string;
  latencyMs: number;
  details?: Record<string, string | number | boolean>;
  error?: { name: string; message: string; hint?: string };
  at: string;
}

export interface ConnectionInfo {
  name: string;
  connectionType: string;
  displayName: string;
  crm: boolean;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  lastTest: TestResult | null;
}

export interface ServiceAccountInfo {
  clientEmail: string;
  projectId?: string;
  sharingHint: string;
}

export interface SessionInfo {
  csrfToken: string | null;
  connectionsFile: string;
  sandbox: boolean;
  defaultSpec: unknown;
}
