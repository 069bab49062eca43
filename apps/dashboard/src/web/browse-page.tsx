import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError, type ConnectionInfo } from './api.ts';

interface Preview {
  schema: { table: string; columns: Array<{ name: string; type: string; sourceType?: string }>; rowCount?: number };
  rows: Array<Record<string, unknown>>;
}

const cell = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** Tables of a connection, a table's schema, and its first 100 rows in a grid with their types. */
export function BrowsePage({ initial }: { initial: string | undefined }) {
  const [connections, setConnections] = useState<ConnectionInfo[]>([]);
  const [name, setName] = useState(initial ?? '');
  const [tables, setTables] = useState<string[] | undefined>();
  const [preview, setPreview] = useState<Preview | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    void api<{ connections: ConnectionInfo[] }>('/api/connections').then((result) => result.ok && setConnections(result.data.connections));
  }, []);
  useEffect(() => {
    setTables(undefined);
    setPreview(undefined);
    setError(undefined);
    if (!name) return;
    setLoading(true);
    void api<{ tables: string[] }>(`/api/connections/${encodeURIComponent(name)}/tables`).then((result) => {
      setLoading(false);
      if (result.ok) setTables(result.data.tables);
      else setError(result.error);
    });
  }, [name]);
  const open = async (table: string) => {
    setPreview(undefined);
    setError(undefined);
    setLoading(true);
    const result = await api<Preview>(`/api/connections/${encodeURIComponent(name)}/tables/${encodeURIComponent(table)}`);
    setLoading(false);
    if (result.ok) setPreview(result.data);
    else setError(result.error);
  };
  return (
    <section>
      <h1>Browse</h1>
      <div class="field">
        <label for="browse-connection">Connection</label>
        <select id="browse-connection" value={name} onChange={(event) => setName(event.currentTarget.value)}>
          <option value="">Choose…</option>
          {connections.map((connection) => (
            <option value={connection.name}>
              {connection.name} ({connection.displayName})
            </option>
          ))}
        </select>
      </div>
      {loading ? <p class="muted">Loading…</p> : null}
      {error ? (
        <div class="fail" role="alert">
          <strong>{error.name}</strong>: {error.message}
          {error.hint ? <div class="hint">Hint: {error.hint}</div> : null}
        </div>
      ) : null}
      {tables ? (
        <div class="tables" data-testid="tables">
          {tables.map((table) => (
            <button type="button" class={preview?.schema.table === table ? 'selected' : 'secondary'} onClick={() => open(table)}>
              {table}
            </button>
          ))}
          {tables.length === 0 ? <span class="muted">No tables.</span> : null}
        </div>
      ) : null}
      {preview ? (
        <div>
          <h2>
            {preview.schema.table}{' '}
            <span class="muted">
              ({preview.rows.length} rows shown{preview.schema.rowCount !== undefined ? ` of ${preview.schema.rowCount}` : ''})
            </span>
          </h2>
          <div class="scroll">
            <table class="grid" data-testid="preview">
              <thead>
                <tr>
                  {preview.schema.columns.map((column) => (
                    <th>
                      {column.name}
                      <div class="type" title={column.sourceType ?? ''}>
                        {column.type}
                      </div>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row) => (
                  <tr>
                    {preview.schema.columns.map((column) => (
                      <td class={`t-${column.type}`}>{cell(row[column.name])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
