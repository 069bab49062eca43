import { useState } from 'preact/hooks';
import { checkServiceAccountKey } from './service-account-key.ts';

interface Props {
  id: string;
  onKey(json: string): void;
  onError(message: string | undefined): void;
}

/**
 * A service-account key, uploaded as its file or pasted: checked here at once (the server checks
 * again), its client_email shown. An uploaded key is never written into the page: only held in memory
 * until the form is sent.
 */
export function ServiceAccountInput({ id, onKey, onError }: Props) {
  const [clientEmail, setClientEmail] = useState<string | undefined>();
  const [pasted, setPasted] = useState('');
  const accept = (text: string) => {
    const check = checkServiceAccountKey(text);
    if (check.ok) {
      setClientEmail(check.clientEmail);
      onError(undefined);
      onKey(check.json);
    } else {
      setClientEmail(undefined);
      onError(check.message);
      onKey('');
    }
  };
  return (
    <div class="service-account">
      <input
        id={id}
        type="file"
        accept=".json,application/json"
        data-testid="service-account-file"
        onChange={async (event) => {
          const file = event.currentTarget.files?.[0];
          if (!file) return;
          if (file.size > 64 * 1024) {
            onError('The file is too large for a service-account key (64 KiB at most).');
            return;
          }
          setPasted('');
          accept(await file.text());
        }}
      />
      <textarea
        rows={4}
        placeholder="…or paste the key file's JSON here"
        data-testid="service-account-paste"
        value={pasted}
        autocomplete="off"
        spellcheck={false}
        onInput={(event) => {
          setPasted(event.currentTarget.value);
          if (event.currentTarget.value.trim() === '') {
            setClientEmail(undefined);
            onError(undefined);
            onKey('');
          } else accept(event.currentTarget.value);
        }}
      />
      {clientEmail ? (
        <div class="ok" data-testid="client-email">
          Service account: <code>{clientEmail}</code>
        </div>
      ) : null}
    </div>
  );
}
