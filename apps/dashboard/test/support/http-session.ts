/** A browser-like client of the dashboard's API: logs in with the token URL, keeps the cookie, sends the CSRF token. */
export class HttpSession {
  readonly origin: string;
  cookie = '';
  csrf = '';
  /** Every response body seen, to check that no secret ever came back. */
  readonly bodies: string[] = [];

  constructor(origin: string) {
    this.origin = origin;
  }

  static async login(url: string): Promise<{ session: HttpSession; response: Response }> {
    const session = new HttpSession(new URL(url).origin);
    const response = await fetch(url, { redirect: 'manual' });
    session.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const info = (await session.json('/api/session')) as { csrfToken: string };
    session.csrf = info.csrfToken;
    return { session, response };
  }

  async request(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { cookie: this.cookie, ...(method === 'GET' ? {} : { origin: this.origin, 'x-csrf-token': this.csrf }) };
    if (init.body !== undefined || init.raw !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers: { ...headers, ...init.headers },
      ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.clone().text();
    this.bodies.push(text);
    return response;
  }

  async json(path: string, init: Parameters<HttpSession['request']>[1] = {}): Promise<unknown> {
    return (await this.request(path, init)).json();
  }
}
