import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError, type ConnectionInfo, type ServiceAccountInfo, type SystemInfo, type TestResult } from './api.ts';
import { configFrom, SchemaForm, useFormValues } from './schema-form.tsx';

function TestOutcome({ result }: { result: TestResult | null }) {
  if (!result) return <span class="muted">not tested</span>;
  if (result.ok) {
    return (
      <span class="ok" data-testid="test-ok">
        ✓ {result.identity ?? result.connector} <span class="muted">({Math.round(result.latencyMs)} ms)</span>
      </span>
    );
  }
  return (
    <div class="fail" data-testid="test-failed">
      ✗ <strong>{result.error?.name}</strong>: {result.error?.message}
      {result.error?.hint ? (
        <div class="hint" data-testid="test-hint">
          Hint: {result.error.hint}
        </div>
      ) : null}
    </div>
  );
}

function ErrorBox({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <div class="fail" role="alert" data-testid="form-error">
      <strong>{error.name}</strong>: {error.message}
      {error.hint ? <div class="hint">Hint: {error.hint}</div> : null}
    </div>
  );
}

function SharingHint({ account }: { account: ServiceAccountInfo }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="sharing" data-testid="sharing-hint">
      <p>{account.sharingHint}</p>
      <p>
        <code data-testid="sharing-email">{account.clientEmail}</code>{' '}
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard?.writeText(account.clientEmail).catch(() => undefined);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </p>
    </div>
  );
}

function AddConnection({ systems, onAdded }: { systems: SystemInfo[]; onAdded(account: ServiceAccountInfo | null): void }) {
  const [systemId, setSystemId] = useState('');
  const [name, setName] = useState('');
  const [values, setValue, resetValues] = useFormValues();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [keyErrors, setKeyErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const system = systems.find((candidate) => candidate.id === systemId);
  return (
    <form
      class="card"
      data-testid="add-form"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!system) return;
        if (Object.keys(keyErrors).length > 0) {
          setError({ name: 'ValidationError', message: 'Fix the fields marked in red first.' });
          return;
        }
        setBusy(true);
        const result = await api<{ serviceAccount: ServiceAccountInfo | null }>('/api/connections', {
          method: 'POST',
          body: { name, config: configFrom(system, values) },
        });
        setBusy(false);
        if (!result.ok) {
          setErrors(result.error.fields ?? {});
          setError(result.error);
          return;
        }
        setErrors({});
        setError(undefined);
        resetValues();
        setName('');
        setSystemId('');
        onAdded(result.data.serviceAccount);
      }}
    >
      <h2>Add connection</h2>
      <div class="field">
        <label for="field-system">System</label>
        <select
          id="field-system"
          value={systemId}
          required
          onChange={(event) => {
            setSystemId(event.currentTarget.value);
            setErrors({});
            setKeyErrors({});
            setError(undefined);
            resetValues();
          }}
        >
          <option value="">Choose…</option>
          {systems.map((candidate) => (
            <option value={candidate.id}>{candidate.displayName}</option>
          ))}
        </select>
        {system ? <div class="help">{system.summary}</div> : null}
      </div>
      {system ? (
        <>
          <div class="field">
            <label for="field-name">
              name<span class="required"> *</span>
            </label>
            <input id="field-name" required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}" value={name} onInput={(event) => setName(event.currentTarget.value)} />
            {errors.name ? <div class="field-error">{errors.name}</div> : null}
          </div>
          <SchemaForm
            system={system}
            values={values}
            errors={{ ...errors, ...keyErrors }}
            onChange={setValue}
            onServiceAccountError={(key, message) =>
              setKeyErrors((current) => {
                const next = { ...current };
                if (message) next[key] = message;
                else delete next[key];
                return next;
              })
            }
          />
          <ErrorBox error={error} />
          <button type="submit" disabled={busy}>
            Save connection
          </button>
        </>
      ) : null}
    </form>
  );
}

export function ConnectionsPage({ systems, onBrowse }: { systems: SystemInfo[]; onBrowse(name: string): void }) {
  const [connections, setConnections] = useState<ConnectionInfo[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [file, setFile] = useState('');
  const [adding, setAdding] = useState(false);
  const [account, setAccount] = useState<ServiceAccountInfo | null>(null);
  const [testing, setTesting] = useState<string | undefined>();
  const refresh = async () => {
    const result = await api<{ file: string; warnings: string[]; connections: ConnectionInfo[] }>('/api/connections');
    if (result.ok) {
      setConnections(result.data.connections);
      setWarnings(result.data.warnings);
      setFile(result.data.file);
    }
  };
  useEffect(() => {
    void refresh();
  }, []);
  return (
    <section>
      <h1>Connections</h1>
      <p class="muted">
        From <code>{file}</code>
      </p>
      {warnings.map((warning) => (
        <div class="warning">{warning}</div>
      ))}
      <table class="grid" data-testid="connections">
        <thead>
          <tr>
            <th>Name</th>
            <th>System</th>
            <th>Credentials</th>
            <th>Last test</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {connections.map((connection) => (
            <tr data-connection={connection.name}>
              <td>{connection.name}</td>
              <td>{connection.displayName}</td>
              <td>
                {Object.entries(connection.secrets).map(([field, source]) => (
                  <div>
                    {field}: <span class="muted">{source}</span>
                  </div>
                ))}
              </td>
              <td>
                <TestOutcome result={connection.lastTest} />
              </td>
              <td class="actions">
                <button
                  type="button"
                  disabled={testing === connection.name}
                  onClick={async () => {
                    setTesting(connection.name);
                    await api<TestResult>(`/api/connections/${encodeURIComponent(connection.name)}/test`, { method: 'POST' });
                    setTesting(undefined);
                    await refresh();
                  }}
                >
                  {testing === connection.name ? 'Testing…' : 'Test'}
                </button>
                <button type="button" onClick={() => onBrowse(connection.name)}>
                  Browse
                </button>
                <button
                  type="button"
                  class="secondary"
                  onClick={async () => {
                    if (!window.confirm(`Remove the connection ${connection.name}?`)) return;
                    await api(`/api/connections/${encodeURIComponent(connection.name)}`, { method: 'DELETE' });
                    await refresh();
                  }}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
          {connections.length === 0 ? (
            <tr>
              <td colSpan={5} class="muted">
                No connection yet.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {account ? <SharingHint account={account} /> : null}
      {adding ? (
        <AddConnection
          systems={systems}
          onAdded={async (added) => {
            setAccount(added);
            setAdding(false);
            await refresh();
          }}
        />
      ) : (
        <button
          type="button"
          onClick={() => {
            setAdding(true);
            setAccount(null);
          }}
        >
          Add connection
        </button>
      )}
    </section>
  );
}
