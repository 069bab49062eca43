import { randomUUID } from 'node:crypto';
import {
  type ConnectorContext,
  ConnectorError,
  DataError,
  inferColumns,
  type PreparedRow,
  type Row,
  type WriteMode,
  type WriteSession,
} from '@automl/connector-core';
import { errorClassOf, isLostSessionError } from './databricks-errors.js';
import { quoteName } from './databricks-sql-text.js';
import { fitsParameters, literalInserts, parameterInserts, type StageColumns } from './databricks-stage-statements.js';
import type { DatabricksStatements } from './databricks-statements.js';
import { finishStatement } from './databricks-statement-wait.js';
import { invalidValueReason } from './validate-databricks-value.js';
import { VolumeLoader } from './databricks-volume-load.js';

export type TableColumns = Array<{ name: string; type: string; nullable: boolean }>;

export interface WriteTarget {
  statements: DatabricksStatements;
  context: ConnectorContext;
  /** The target table, fully quoted. */
  target: string;
  /** The staging table's quoted name for a suffix (same catalog and schema as the target). */
  stagingName: (suffix: string) => string;
  /** The target's columns; undefined when the table does not exist yet (created from the first batch). */
  columns: TableColumns | undefined;
  mode: WriteMode;
  keyColumn: string | undefined;
  /** Rows per inline-literal staging statement. */
  rowsPerStatement: number;
  /** Large batches go through this Unity Catalog volume (`/Volumes/c/s/v`) and COPY INTO, when set. */
  stagingVolume?: string;
  /** From how many rows a batch goes through the volume. */
  volumeThresholdRows: number;
  /** How long the final statement (and a COPY INTO) may run on the warehouse (`statementTimeoutSeconds`). */
  statementBudgetMs: number;
}

/** The input position of each staged row: the order "last row wins" follows, and what makes re-sent batches harmless. */
const sequenceColumn = '__automl_seq';

/**
 * One write, staged: batches land in a staging table named for this write, then one statement
 * applies them to the target inside an explicit transaction (BEGIN, MERGE / INSERT / INSERT
 * OVERWRITE, COMMIT), and the staging table is dropped.
 *
 * Why it is safe to retry every step: a staged row carries its input index, so a batch sent twice
 * (an answer lost after the INSERT landed) only repeats identical rows, which the final statement
 * collapses (one row per index; for upserts, the last index per key). The final statement runs in
 * a transaction: a retry rolls back what a lost attempt may have done and starts over, and a COMMIT
 * whose retry finds no transaction had committed. Nothing reaches the target before COMMIT.
 */
export async function beginDatabricksWrite(target: WriteTarget): Promise<WriteSession<Row>> {
  const { statements, context, mode, keyColumn } = target;
  const writeId = randomUUID().replaceAll('-', '').slice(0, 16);
  const staging = target.stagingName(writeId);
  const volume = target.stagingVolume ? new VolumeLoader(statements, target.stagingVolume, writeId, target.statementBudgetMs) : undefined;
  /** Input indexes of batches that failed: whatever of them reached the staging table stays out of the target. */
  const excluded = new Set<number>();
  let columns = target.columns;
  const types = new Map(columns?.map((column) => [column.name.toLowerCase(), column]) ?? []);
  const written = new Set<string>();
  let ready: Promise<void> | undefined = columns ? createStaging() : undefined;

  async function run(operation: string, sql: string, idempotent = true) {
    return context.call(operation, ({ signal }) => statements.run(sql, signal), { idempotent });
  }

  async function createStaging(): Promise<void> {
    await run('write.stage', `CREATE OR REPLACE TABLE ${staging} AS SELECT *, CAST(NULL AS BIGINT) AS ${sequenceColumn} FROM ${target.target} WHERE 1 = 0`);
  }

  /** A target that does not exist yet is created from the first batch's values (append and overwrite). */
  async function createTarget(rows: Row[]): Promise<void> {
    const inferred = inferColumns(rows);
    columns = inferred.map((column) => ({ name: column.name, type: databricksType(column.type), nullable: true }));
    for (const column of columns) types.set(column.name.toLowerCase(), column);
    await run(
      'write.create',
      `CREATE TABLE IF NOT EXISTS ${target.target} (${columns.map((column) => `${quoteName(column.name)} ${column.type}`).join(', ')})`,
    );
    await createStaging();
  }

  const session: WriteSession<Row> = {
    destination: target.target,
    // Nothing reaches the target before the commit: a stopped write has stored none of its rows.
    stagesRows: true,
    prepare(row): PreparedRow<Row> {
      if (keyColumn !== undefined && (row[keyColumn] === undefined || row[keyColumn] === null || row[keyColumn] === '')) {
        return { failure: { reason: `The key column ${keyColumn} is empty`, code: 'MISSING_KEY' } };
      }
      if (columns) {
        for (const [name, value] of Object.entries(row)) {
          const column = types.get(name.toLowerCase());
          if (!column) return { failure: { reason: `The table has no column ${name}`, code: 'UNKNOWN_COLUMN' } };
          const reason = invalidValueReason(value, column.type);
          if (reason) return { failure: { reason: `Column ${name}: ${reason}`, code: 'INVALID_VALUE' } };
        }
      }
      for (const name of Object.keys(row)) written.add(name);
      return { payload: row, ...(keyColumn !== undefined ? { key: String(row[keyColumn]) } : {}) };
    },

    async writeBatch(batch) {
      if (!columns) ready ??= createTarget(batch.map((entry) => entry.row));
      await ready;
      const names = [...new Set(batch.flatMap((entry) => Object.keys(entry.row)))];
      const stageColumns: StageColumns = {
        names,
        resolved: names.map((name) => types.get(name.toLowerCase())?.name ?? name),
        types: names.map((name) => types.get(name.toLowerCase())?.type),
        sequenceColumn,
      };
      try {
        if (volume && batch.length >= target.volumeThresholdRows) {
          await volume.load(context, staging, batch, stageColumns);
          return {};
        }
        const inserts = fitsParameters(batch.length, stageColumns)
          ? parameterInserts(staging, batch, stageColumns)
          : literalInserts(staging, batch, stageColumns, target.rowsPerStatement);
        // A value the checks let through but the warehouse refused is a DataError: core fails this
        // batch's rows and the write goes on; credentials or permission stop it.
        for (const insert of inserts) {
          await context.call('write.stage', ({ signal }) => statements.run(insert.sql, signal, insert.parameters));
        }
        return {};
      } catch (error) {
        // The batch is reported failed: rows of it that did reach the staging table (an earlier
        // statement of the batch, an attempt that landed after it timed out) must not be applied.
        for (const entry of batch) excluded.add(entry.index);
        throw error;
      }
    },

    async commit(summary) {
      try {
        if (summary.written > 0 || (mode === 'overwrite' && summary.failed === 0)) {
          if (!columns) throw new DataError({ connector: 'databricks', operation: 'write.commit', message: 'Nothing to write and the table does not exist' });
          await ready;
          await transaction(finalStatement());
        }
      } finally {
        if (ready) await run('write.cleanup', `DROP TABLE IF EXISTS ${staging}`).catch(() => undefined);
        await volume?.cleanup(AbortSignal.timeout(30_000));
      }
    },

    async abort() {
      if (!ready) return;
      // After a cancel the write's signal is aborted and every call through it would end at once:
      // the staging table is dropped on a signal of its own, best effort, so that none is left behind.
      await ready.catch(() => undefined);
      await statements.run(`DROP TABLE IF EXISTS ${staging}`, AbortSignal.timeout(30_000)).catch(() => undefined);
      await volume?.cleanup(AbortSignal.timeout(30_000));
    },
  };

  /** The statement that moves the staged rows into the target. */
  function finalStatement(): string {
    const known = (columns ?? []).map((column) => column.name);
    const chosen = known.filter((name) => [...written].some((key) => key.toLowerCase() === name.toLowerCase()));
    const list = chosen.map(quoteName).join(', ');
    const staged = excluded.size > 0 ? `(SELECT * FROM ${staging} WHERE ${sequenceColumn} NOT IN (${[...excluded].join(', ')})) AS staged_rows` : staging;
    const onePerRow = `SELECT * FROM ${staged} QUALIFY ROW_NUMBER() OVER (PARTITION BY ${sequenceColumn} ORDER BY ${sequenceColumn}) = 1`;
    if (mode === 'upsert') {
      const key = quoteName((columns ?? []).find((column) => column.name.toLowerCase() === (keyColumn ?? '').toLowerCase())?.name ?? (keyColumn as string));
      const lastPerKey = `SELECT * FROM ${staged} QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${sequenceColumn} DESC) = 1`;
      const updates = chosen.filter((name) => quoteName(name) !== key);
      return [
        `MERGE INTO ${target.target} AS t USING (${lastPerKey}) AS s ON t.${key} = s.${key}`,
        updates.length > 0 ? `WHEN MATCHED THEN UPDATE SET ${updates.map((name) => `${quoteName(name)} = s.${quoteName(name)}`).join(', ')}` : '',
        `WHEN NOT MATCHED THEN INSERT (${list}) VALUES (${chosen.map((name) => `s.${quoteName(name)}`).join(', ')})`,
      ]
        .filter(Boolean)
        .join(' ');
    }
    if (mode === 'overwrite') {
      return `INSERT OVERWRITE ${target.target} SELECT ${known.map(quoteName).join(', ')} FROM (${onePerRow}) AS s`;
    }
    return `INSERT INTO ${target.target} (${list}) SELECT ${list} FROM (${onePerRow}) AS s`;
  }

  /**
   * BEGIN; statement; COMMIT, each step safe to retry (see above). The statement, which may run for
   * long on a large table, is submitted in the same attempt as its BEGIN and then waited for by
   * polling (finishStatement), so it is bounded by `statementTimeoutSeconds`, not by one request
   * timeout; a wait that gives up cancels it, and the transaction is rolled back. A transaction lives in its
   * session: when the warehouse lost the session before COMMIT (a new one was opened meanwhile),
   * the transaction went with it, and the whole of it runs again on the new session, unless a COMMIT
   * was sent that never got an answer: then it may have committed, and the write stops saying so.
   */
  async function transaction(statement: string): Promise<void> {
    for (let round = 1; ; round += 1) {
      let began = 0;
      let unanswered = false;
      try {
        const submitted = await context.call('write.commit', async ({ signal, attempt }) => {
          if (attempt > 1) await statements.run('ROLLBACK', signal).catch(ignore('NO_ACTIVE_TRANSACTION'));
          await statements.run('BEGIN TRANSACTION', signal);
          began = statements.generation;
          return statements.open(statement, signal);
        });
        await finishStatement(context, statements, submitted, target.statementBudgetMs, 'write.commit');
        await context.call('write.commit', async ({ signal, attempt }) => {
          if (statements.generation !== began) throw sessionReplaced(unanswered);
          unanswered = true;
          try {
            // A COMMIT whose answer was lost has committed: its retry finds no transaction.
            await statements.run('COMMIT', signal).catch(attempt > 1 ? ignore('NO_ACTIVE_TRANSACTION') : rethrow);
            unanswered = false;
          } catch (error) {
            if (isAnswer(error)) unanswered = false;
            throw error;
          }
        });
        return;
      } catch (error) {
        await context.call('write.rollback', ({ signal }) => statements.run('ROLLBACK', signal), { idempotent: true }).catch(() => undefined);
        // The transaction went with its session (replaced before COMMIT, or lost while the statement
        // ran): nothing of it committed, so it runs again on the new session.
        if (ConnectorError.isInstance(error) && (error.code === 'SESSION_REPLACED' || error.code === 'STATEMENT_LOST') && round < 3) continue;
        throw error;
      }
    }
  }

  return session;
}

function ignore(errorClass: string) {
  return (error: unknown) => {
    const text = (error as { response?: { displayMessage?: string; errorMessage?: string } })?.response;
    if (errorClassOf(text?.displayMessage ?? text?.errorMessage) === errorClass) return [];
    throw error;
  };
}

/** The session a transaction began on was replaced: retry the transaction, or stop when a COMMIT may have landed. */
function sessionReplaced(commitUnanswered: boolean): ConnectorError {
  if (commitUnanswered) {
    return new ConnectorError({
      connector: 'databricks',
      operation: 'write.commit',
      code: 'COMMIT_OUTCOME_UNKNOWN',
      message: 'The warehouse lost the session while a COMMIT was unanswered: the rows may or may not be in the table; check the table before writing again.',
    });
  }
  return new ConnectorError({
    connector: 'databricks',
    operation: 'write.commit',
    code: 'SESSION_REPLACED',
    message: 'The warehouse lost the session of this transaction before COMMIT (it was rolled back)',
  });
}

/** The warehouse answered (the statement failed there, or HTTP refused it): nothing is still on its way. */
function isAnswer(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return (
    isLostSessionError(error) ||
    typeof (error as { errorCode?: unknown }).errorCode === 'string' ||
    typeof (error as { statusCode?: unknown }).statusCode === 'number'
  );
}

function rethrow(error: unknown): never {
  throw error;
}

function databricksType(type: string): string {
  switch (type) {
    case 'integer':
      return 'BIGINT';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'datetime':
      return 'TIMESTAMP';
    default:
      return 'STRING';
  }
}
