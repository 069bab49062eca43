import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/** The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export const sessionCookieName = 'automl_dashboard_session';
/** The header every state-changing request carries, with the session's CSRF token. */
export const csrfHeaderName = 'x-csrf-token';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may use the dashboard. The access token is printed once at start (in the URL); opening that
 * URL swaps it for a session cookie and redirects to the same page without it, so the token leaves
 * the address bar and never travels again. Scripts may send `Authorization: Bearer <token>` instead.
 * Each session has its own CSRF token, handed out by GET /api/session and required (with a same-origin
 * `Origin`) on every POST/PUT/PATCH/DELETE.
 */
export class AccessControl {
  readonly token = randomToken();
  readonly #sessions = new Map<string, { csrf: string }>();
  /** host:port values the server answers to (DNS rebinding: a foreign Host is refused). */
  readonly #hosts = new Set<string>();
  readonly #origins = new Set<string>();

  allow(host: string, port: number): void {
    const names = host === '0.0.0.0' || host === '::' ? ['127.0.0.1', 'localhost', '[::1]'] : [host.includes(':') ? `[${host}]` : host];
    if (host === '127.0.0.1') names.push('localhost');
    for (const name of names) {
      this.#hosts.add(`${name}:${port}`);
      this.#origins.add(`http://${name}:${port}`);
    }
  }

  /** Mints a session for a valid token (the one-time login of the printed URL). */
  #newSession(): string {
    const id = randomToken();
    this.#sessions.set(id, { csrf: randomToken() });
    return id;
  }

  csrfTokenOf(sessionId: string | undefined): string | undefined {
    return sessionId ? this.#sessions.get(sessionId)?.csrf : undefined;
  }

  middleware(): MiddlewareHandler<{ Variables: { session?: string } }> {
    return async (c, next) => {
      const host = c.req.header('host') ?? '';
      if (this.#hosts.size > 0 && !this.#hosts.has(host)) return c.json({ error: { name: 'ForbiddenError', message: 'Unknown Host header' } }, 403);
      const origin = c.req.header('origin');
      if (origin !== undefined && !this.#origins.has(origin)) {
        return c.json({ error: { name: 'ForbiddenError', message: 'Cross-origin request refused' } }, 403);
      }
      const url = new URL(c.req.url);
      const queryToken = url.searchParams.get('token') ?? undefined;
      if (queryToken !== undefined && c.req.method === 'GET') {
        if (!sameToken(queryToken, this.token)) return c.text('Invalid access token: use the URL printed when the dashboard started.', 401);
        const session = this.#newSession();
        setCookie(c, sessionCookieName, session, { httpOnly: true, sameSite: 'Strict', path: '/' });
        url.searchParams.delete('token');
        return c.redirect(`${url.pathname}${url.search}${url.hash}`, 303);
      }
      const sessionId = getCookie(c, sessionCookieName);
      const session = sessionId ? this.#sessions.get(sessionId) : undefined;
      const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      const byBearer = sameToken(bearer, this.token);
      if (!session && !byBearer) {
        return c.json(
          { error: { name: 'AuthenticationError', message: 'Open the dashboard with the URL printed at start (it carries the access token).' } },
          401,
        );
      }
      if (unsafeMethods.has(c.req.method)) {
        // A bearer token is never sent by a browser on its own, so it needs no CSRF token; a cookie is.
        if (!byBearer) {
          if (origin === undefined) return c.json({ error: { name: 'ForbiddenError', message: 'State-changing requests need an Origin header' } }, 403);
          if (!session || !sameToken(c.req.header(csrfHeaderName), session.csrf)) {
            return c.json({ error: { name: 'ForbiddenError', message: 'Missing or wrong CSRF token' } }, 403);
          }
        }
      }
      if (sessionId && session) c.set('session', sessionId);
      await next();
    };
  }
}
