import { type Row, untilAborted } from '@automl/connector-core';
import type { Collection, Document, Filter, FindCursor, Sort } from 'mongodb';
import { convertMongoDbDocument, type DecimalMode } from './convert-mongodb-record.js';

export interface MongoDbReadPlan {
  collection: Collection;
  filter: Document;
  /** The caller's sort; undefined reads in `_id` order, which lets a broken cursor resume exactly. */
  sort: Sort | undefined;
  /** Fields to return; undefined for whole documents. */
  columns: string[] | undefined;
  /** Documents to read at most (the server stops the cursor there). */
  limit: number | undefined;
  pageSize: number;
  decimal: DecimalMode;
}

/**
 * One cursor over a collection, cut into pages of `pageSize` (the cursor's batchSize, so one page
 * is one getMore): bounded memory and no skip/limit or keyset re-queries, which on FerretDB are a
 * full scan each. When a page fails (network reset, server restart, a timeout that aborted it) the
 * cursor is dropped and the next call reopens the query after the last document delivered: past
 * its `_id` in the default `_id` order, or by skipping the documents delivered under a caller's
 * sort. A failed page delivers nothing, so a retried page neither repeats nor loses documents.
 */
export class MongoDbPageReader {
  readonly #plan: MongoDbReadPlan;
  #cursor: FindCursor | undefined;
  #broken = true;
  #delivered = 0;
  #lastId: unknown;
  #done = false;

  constructor(plan: MongoDbReadPlan) {
    this.#plan = plan;
  }

  get done(): boolean {
    return this.#done;
  }

  /** The next page (empty at the end). Safe to call again after it threw: it resumes. */
  async nextPage(signal: AbortSignal): Promise<Row[]> {
    signal.throwIfAborted();
    // All asked for is delivered (a reopened cursor with limit 0 would mean "no limit").
    if (this.#plan.limit !== undefined && this.#delivered >= this.#plan.limit) {
      this.#done = true;
      return [];
    }
    if (this.#broken) await this.#reopen();
    const cursor = this.#cursor as FindCursor;
    const { pageSize } = this.#plan;
    const documents: Document[] = [];
    try {
      while (documents.length < pageSize) {
        if (cursor.bufferedCount() === 0 && !(await untilAborted(cursor.hasNext(), signal))) {
          this.#done = true;
          break;
        }
        for (const document of cursor.readBufferedDocuments(pageSize - documents.length)) documents.push(document);
      }
    } catch (error) {
      this.#broken = true;
      throw error;
    }
    this.#delivered += documents.length;
    if (documents.length > 0) this.#lastId = documents[documents.length - 1]?._id;
    return documents.map((document) => this.#toRow(document));
  }

  async close(): Promise<void> {
    const cursor = this.#cursor;
    this.#cursor = undefined;
    await cursor?.close().catch(() => undefined);
  }

  async #reopen(): Promise<void> {
    await this.close();
    const { collection, filter, sort, columns, limit, pageSize } = this.#plan;
    const byId = sort === undefined;
    const resumeAfter = byId && this.#delivered > 0 ? { _id: { $gt: this.#lastId } } : undefined;
    const query = resumeAfter ? (Object.keys(filter).length > 0 ? { $and: [filter, resumeAfter] } : resumeAfter) : filter;
    this.#cursor = collection.find(query as Filter<Document>, {
      sort: sort ?? { _id: 1 },
      batchSize: pageSize,
      ...(columns ? { projection: projectionOf(columns, byId) } : {}),
      ...(limit !== undefined ? { limit: limit - this.#delivered } : {}),
      ...(!byId && this.#delivered > 0 ? { skip: this.#delivered } : {}),
    });
    this.#broken = false;
  }

  #toRow(document: Document): Row {
    const row = convertMongoDbDocument(document, { decimal: this.#plan.decimal });
    // `_id` is fetched to resume by, even when the caller did not ask for it.
    if (this.#plan.columns && !this.#plan.columns.includes('_id')) delete row._id;
    return row;
  }
}

function projectionOf(columns: string[], keepId: boolean): Document {
  const projection: Document = {};
  for (const column of columns) projection[column] = 1;
  if (!keepId && !columns.includes('_id')) projection._id = 0;
  return projection;
}
