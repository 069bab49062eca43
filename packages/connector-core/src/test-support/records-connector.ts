// A minimal connector over the sandbox's generic records API, built only from core's public pieces.
// Core's tests use it to prove the policy, the read and write loops, metrics and redaction on real
// HTTP, and it runs the shared conformance suite; it is also the smallest example of a connector:
// open, probe, list, describe, readPages, beginWrite and an error classifier, nothing else.
// It borrows the `pipedrive` connection type (an API-key CRM with the same config keys) because the
// config union admits only the real systems: its metrics are labelled connector="pipedrive" here.
import { BaseConnector, type ConnectorOptions } from '../base/base-connector.js';
import { inferColumns } from '../base/infer-schema.js';
import type { ConnectorContext } from '../contract/connector-context.js';
import type { ConnectionTestResult, ReadRequest } from '../contract/requests.js';
import type { Row, TableSchema } from '../contract/row.js';
import type { ResolvedWriteRequest, WriteSession } from '../contract/write-session.js';
import { ConnectorError } from '../errors/connector-error.js';
import { httpErrorClassifier } from '../errors/http-error-classifier.js';

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
  readonly #classify = httpErrorClassifier({
    connector: 'pipedrive',
    inspect: (error) =>
      error instanceof HttpStatusError
        ? { status: error.status, headers: { 'retry-after': error.retryAfter ?? undefined }, message: `Records API answered ${error.status}` }
        : undefined,
  });

  constructor(config: Record<string, unknown>, options?: ConnectorOptions) {
    super('pipedrive', { connectionType: 'pipedrive', ...config }, options, {
      write: true,
      writeModes: ['upsert', 'append'],
      maxRecordsPerWrite: 10,
      writeConcurrency: 2,
    });
  }

  protected async openConnection(): Promise<void> {
    this.#token = this.config.apiKey?.reveal() ?? '';
  }

  protected async closeConnection(): Promise<void> {
    this.#token = '';
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity'>> {
    await this.#request(undefined, 'probe', 'GET', '/records?limit=1');
    return { identity: 'records-api' };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return this.#classify(error, operation);
  }

  async listTables(): Promise<string[]> {
    await this.connect();
    return ['records'];
  }

  async describe(): Promise<TableSchema> {
    const sample = await this.readAll({ maxRows: 100 });
    return { table: 'records', columns: inferColumns(sample) };
  }

  protected override async *readPages(request: ReadRequest, context: ConnectorContext): AsyncIterable<Row[]> {
    let after: string | undefined = '0';
    while (after !== undefined) {
      const page = (await this.#request(context, 'read', 'GET', `/records?after=${after}&limit=${request.pageSize ?? 100}`)) as {
        results: Row[];
        paging?: { next?: { after: string } };
      };
      const columns = request.columns;
      yield columns ? page.results.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null]))) : page.results;
      after = page.paging?.next?.after;
    }
  }

  protected override async beginWrite(request: ResolvedWriteRequest): Promise<WriteSession> {
    return {
      destination: 'records',
      writeBatch: async (batch, context) => {
        const failed: Array<{ index: number; reason: string; code?: string }> = [];
        for (const { index, row, key } of batch) {
          try {
            if (request.mode === 'upsert') {
              await this.#request(context, 'write', 'PUT', `/records/${encodeURIComponent(key ?? '')}`, row);
            } else {
              // A plain create has no idempotency key: never retried, so never duplicated.
              await this.#request(context, 'write', 'POST', '/records', row, false);
            }
          } catch (error) {
            // Credentials, permission and quota stop the write (core accounts for the rest); the rest is this row's.
            if (!ConnectorError.isInstance(error) || ['authentication', 'permission', 'quota'].includes(error.kind)) throw error;
            failed.push({ index, reason: error.message, code: error.code ?? error.kind });
          }
        }
        return { failed };
      },
    };
  }

  #request(context: ConnectorContext | undefined, operation: string, method: string, path: string, body?: unknown, idempotent = true): Promise<unknown> {
    const baseUrl = this.config.baseUrl ?? 'http://127.0.0.1:9';
    const call = context ? context.call.bind(context) : this.call.bind(this);
    return call(
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
        context?.recordBytes(method === 'GET' ? 'read' : 'write', text.length);
        return text ? JSON.parse(text) : undefined;
      },
      { idempotent },
    );
  }
}
