import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorContext } from '@automl/connector-core';
import { castTo, quoteName, valueText } from './databricks-sql-text.js';
import type { DatabricksStatements } from './databricks-statements.js';
import { runStatementToEnd } from './databricks-statement-wait.js';
import type { StageColumns, StagedRow } from './databricks-stage-statements.js';

/** A string as a Databricks SQL literal (backslash escapes, as the dialect reads them). */
function stringLiteral(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * Large batches loaded through a Unity Catalog volume, as Databricks recommends for bulk loads:
 * the batch is written as a JSON-lines file in a local directory of this write, sent with the
 * driver's staging `PUT '<file>' INTO '/Volumes/...' OVERWRITE` (the driver uploads it to the
 * presigned URL the warehouse answers with; only this directory is on its `stagingAllowedLocalPath`),
 * then `COPY INTO` the staging table, which casts each field to its column's type.
 *
 * Every step is safe to repeat: the file's name is fixed by the write and the batch's first index,
 * PUT overwrites it with the same bytes, and COPY INTO skips a file the table already loaded (it is
 * idempotent per file); the staged rows carry their input index besides. The volume file and the
 * local one are removed once loaded (and what is left when the write ends).
 */
export class VolumeLoader {
  readonly #statements: DatabricksStatements;
  readonly #volumeDirectory: string;
  #localDirectory: Promise<string> | undefined;
  readonly #pending = new Set<string>();
  readonly #statementBudgetMs: number;

  constructor(statements: DatabricksStatements, volume: string, writeId: string, statementBudgetMs: number) {
    this.#statements = statements;
    this.#statementBudgetMs = statementBudgetMs;
    this.#volumeDirectory = `${volume.replace(/\/+$/, '')}/automl-${writeId}`;
  }

  async load(context: ConnectorContext, staging: string, batch: readonly StagedRow[], columns: StageColumns): Promise<void> {
    const fileName = `batch-${batch[0]?.index ?? 0}.json`;
    const directory = await this.#directory();
    const localFile = join(directory, fileName);
    const lines = batch.map((entry) => {
      const record: Record<string, string | null> = {};
      columns.names.forEach((name, column) => {
        record[columns.resolved[column] as string] = valueText(entry.row[name], columns.types[column]);
      });
      record[columns.sequenceColumn] = String(entry.index);
      return JSON.stringify(record);
    });
    const content = `${lines.join('\n')}\n`;
    await writeFile(localFile, content);
    context.recordBytes('write', Buffer.byteLength(content));
    const volumeFile = `${this.#volumeDirectory}/${fileName}`;
    this.#pending.add(volumeFile);
    const allowed = { stagingAllowedLocalPath: [directory] };
    await context.call('write.stage.put', ({ signal }) =>
      this.#statements.runWith(`PUT ${stringLiteral(localFile)} INTO ${stringLiteral(volumeFile)} OVERWRITE`, signal, allowed),
    );
    // Every field was written as a string ('primitivesAsString'): each is cast to its column's type.
    const select = [
      ...columns.resolved.map((name, column) => `${castTo(quoteName(name), columns.types[column])} AS ${quoteName(name)}`),
      `CAST(${quoteName(columns.sequenceColumn)} AS BIGINT) AS ${quoteName(columns.sequenceColumn)}`,
    ].join(', ');
    // A large file may take COPY INTO longer than one request: it is waited for by polling.
    await runStatementToEnd(
      context,
      this.#statements,
      'write.stage.copy',
      `COPY INTO ${staging} FROM (SELECT ${select} FROM ${stringLiteral(this.#volumeDirectory)}) FILEFORMAT = JSON FILES = (${stringLiteral(fileName)}) FORMAT_OPTIONS ('primitivesAsString' = 'true')`,
      this.#statementBudgetMs,
    );
    await rm(localFile, { force: true });
    await this.#remove(context, volumeFile);
  }

  /** Removes what is left (a batch that failed between its PUT and its COPY INTO), best effort. */
  async cleanup(signal: AbortSignal): Promise<void> {
    for (const file of [...this.#pending]) {
      await this.#statements.runWith(`REMOVE ${stringLiteral(file)}`, signal, { stagingAllowedLocalPath: [tmpdir()] }).catch(() => undefined);
      this.#pending.delete(file);
    }
    const directory = await this.#localDirectory?.catch(() => undefined);
    if (directory) await rm(directory, { recursive: true, force: true });
  }

  async #remove(context: ConnectorContext, volumeFile: string): Promise<void> {
    try {
      await context.call('write.stage.remove', ({ signal }) =>
        this.#statements.runWith(`REMOVE ${stringLiteral(volumeFile)}`, signal, { stagingAllowedLocalPath: [tmpdir()] }),
      );
      this.#pending.delete(volumeFile);
    } catch {
      // Left for cleanup(): a file that stays behind costs storage, not correctness.
    }
  }

  #directory(): Promise<string> {
    this.#localDirectory ??= mkdtemp(join(tmpdir(), 'automl-databricks-'));
    return this.#localDirectory;
  }
}
