// A minimal connector over the sandbox's generic records API, built only from core's public pieces.
// Core's tests use it to prove the policy, metrics and redaction on real HTTP; it is also the
// smallest example of what a connector package contains. It borrows the `pipedrive` connection type
// (an API-key CRM with the same config keys) because the config union admits only the eight real
// systems: its metrics are therefore labelled connector="pipedrive" in these tests.
import { BaseConnector, type ConnectorOptions } from '../base/base-connector.js';
import type { ConnectionTestResult, ReadRequest, RowsInput, WriteRequest, WriteResult } from '../contract/requests.js';
import type { Row, TableSchema } from '../contract/row.js';
import { ConnectorError } from '../errors/connector-error.js';
import { errorFromHttpStatus, parseRetryAfter } from '../errors/http-status.js';
import { hints } from '../errors/hints.js';
import { batchRows } from '../base/rows.js';
import { inferColumns } from '../base/infer-schema.js';
import { resolveCredential } from '../secrets/environment.js';

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfter: string | null,
  ) {
    super(`HTTP ${status}: ${body}`);
  }
}

export class RecordsConnector extends BaseConnector<'pipedrive'> {
  #token = '';

  constructor(config: Record<string, unknown>, options?: ConnectorOptions) {
    super('pipedrive', { connectionType: 'pipedrive', ...config }, options, { write: true, supportsUpsert: true, maxRecordsPerWrite: 10 });
  }

  protected async openConnection(): Promise<void> {
    const credential = resolveCredential(this.config.apiKey, ['PIPEDRIVE_API_KEY']);
    this.#token = credential?.secret.reveal() ?? '';
  }

  protected async closeConnection(): Promise<void> {
    this.#token = '';
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity'>> {
    await this.#request('probe', 'GET', '/records?limit=1');
    return { identity: 'records-api' };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    if (error instanceof HttpStatusError) {
      return errorFromHttpStatus(error.status, {
        message: `Records API answered ${error.status}`,
        connector: this.id,
        operation,
        retryAfterMs: parseRetryAfter(error.retryAfter),
        hint: error.status === 429 ? hints.rateLimited : undefined,
        cause: error,
      });
    }
    return new ConnectorError({ message: error instanceof Error ? error.message : String(error), connector: this.id, operation, cause: error });
  }

  async listTables(): Promise<string[]> {
    await this.connect();
    return ['records'];
  }

  async describe(): Promise<TableSchema> {
    const sample = await this.readAll({ maxRows: 100 });
    return { table: 'records', columns: inferColumns(sample) };
  }

  async *read(request: ReadRequest = {}): AsyncIterable<Row[]> {
    await this.connect();
    let after: string | undefined = '0';
    while (after !== undefined) {
      const page = (await this.#request('read', 'GET', `/records?after=${after}&limit=${request.pageSize ?? 100}`)) as {
        results: Row[];
        paging?: { next?: { after: string } };
      };
      yield page.results;
      after = page.paging?.next?.after;
    }
  }

  override async write(rows: RowsInput, request: WriteRequest = {}): Promise<WriteResult> {
    await this.connect();
    const result: WriteResult = { received: 0, written: 0, failed: [] };
    for await (const batch of batchRows(rows, this.capabilities.maxRecordsPerWrite)) {
      for (const { index, row } of batch) {
        result.received += 1;
        try {
          if (request.mode === 'upsert') {
            const key = String(row[request.keyColumn ?? 'key']);
            await this.#request('write', 'PUT', `/records/${encodeURIComponent(key)}`, row);
          } else {
            // A plain create has no idempotency key: never retried, so never duplicated.
            await this.#request('write', 'POST', '/records', row, false);
          }
          result.written += 1;
        } catch (error) {
          result.failed.push({ index, row, reason: (error as Error).message });
        }
      }
    }
    return result;
  }

  #request(operation: string, method: string, path: string, body?: unknown, idempotent = true): Promise<unknown> {
    const baseUrl = this.config.baseUrl ?? 'http://127.0.0.1:9';
    return this.call(
      operation,
      async ({ signal }) => {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          signal,
          headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        if (!response.ok) throw new HttpStatusError(response.status, text, response.headers.get('retry-after'));
        this.metrics.recordBytes(this.id, operation, text.length);
        return text ? JSON.parse(text) : undefined;
      },
      { idempotent },
    );
  }
}
