import { describe, expect, it } from 'vitest';
import { resolveServiceAccountKey } from './service-account-key.js';

const keyText = JSON.stringify({
  type: 'service_account',
  client_email: 'a@b.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nAAAAsecretAAAA\n-----END PRIVATE KEY-----\n',
});

describe('resolveServiceAccountKey (every Google connector)', () => {
  it("a key JSON given as a path is refused without echoing it, naming the connector's own variables", async () => {
    const error = await resolveServiceAccountKey(
      { credentialsPath: keyText },
      { connector: 'bigquery', inlineVariable: 'GOOGLE_BIGQUERY_CREDENTIALS_JSON' },
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('looks like the JSON itself: use GOOGLE_BIGQUERY_CREDENTIALS_JSON or credentialsJson');
    expect(JSON.stringify(error) + String((error as Error).message) + String((error as { hint?: string }).hint)).not.toContain('AAAAsecretAAAA');
  });

  it('names what is missing when nothing is given', async () => {
    await expect(resolveServiceAccountKey({}, { connector: 'googlesheets', inlineVariable: 'GOOGLE_SHEETS_CREDENTIALS' })).rejects.toThrow(
      /GOOGLE_SHEETS_CREDENTIALS \(the JSON key\) or GOOGLE_APPLICATION_CREDENTIALS \(its path\)/,
    );
  });
});
