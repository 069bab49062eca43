import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type SessionInfo, type SystemInfo, setCsrfToken } from './api.ts';
import { BrowsePage } from './browse-page.tsx';
import { ConnectionsPage } from './connections-page.tsx';
import { MetricsPage } from './metrics-page.tsx';
import { RunsPage } from './runs-page.tsx';
import './style.css';

type Route = { page: 'connections' | 'browse' | 'metrics' | 'runs'; connection?: string };

function routeOf(hash: string): Route {
  const [page, connection] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'browse') return connection ? { page, connection: decodeURIComponent(connection) } : { page };
  if (page === 'metrics' || page === 'runs') return { page };
  return { page: 'connections' };
}

function App() {
  const [route, setRoute] = useState<Route>(routeOf(location.hash));
  const [session, setSession] = useState<SessionInfo | undefined>();
  const [systems, setSystems] = useState<SystemInfo[]>([]);
  const [failure, setFailure] = useState<string | undefined>();
  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    void (async () => {
      const result = await api<SessionInfo>('/api/session');
      if (!result.ok) {
        setFailure(result.error.message);
        return;
      }
      setCsrfToken(result.data.csrfToken);
      setSession(result.data);
      const list = await api<SystemInfo[]>('/api/systems');
      if (list.ok) setSystems(list.data);
    })();
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (failure) return <main class="card fail">{failure}</main>;
  if (!session) return <main class="muted">Loading…</main>;
  const link = (page: Route['page'], label: string) => (
    <a href={`#/${page}`} class={route.page === page ? 'active' : ''}>
      {label}
    </a>
  );
  return (
    <>
      <header>
        <strong>automl-connectors</strong>
        <nav>
          {link('connections', 'Connections')}
          {link('browse', 'Browse')}
          {link('metrics', 'Metrics')}
          {link('runs', 'Runs')}
        </nav>
        {session.sandbox ? <span class="badge">sandbox</span> : null}
      </header>
      <main>
        {route.page === 'connections' ? (
          <ConnectionsPage systems={systems} onBrowse={(name) => (location.hash = `#/browse/${encodeURIComponent(name)}`)} />
        ) : null}
        {route.page === 'browse' ? <BrowsePage initial={route.connection} /> : null}
        {route.page === 'metrics' ? <MetricsPage /> : null}
        {route.page === 'runs' ? <RunsPage defaultSpec={session.defaultSpec} /> : null}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
