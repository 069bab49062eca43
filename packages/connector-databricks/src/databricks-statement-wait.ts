import { type ConnectorContext, NotReadyError } from '@automl/connector-core';
import { databricksHints } from './databricks-errors.js';
import { abortable, type DatabricksStatements, type DriverOperation, type StatementOptions } from './databricks-statements.js';

/** TOperationState values of a statement still on its way: INITIALIZED, RUNNING, PENDING. */
const inProgress = new Set([0, 1, 7]);

/** The default budget of a statement: a warehouse query (or a large MERGE) may run for hours. */
export const defaultStatementBudgetMs = 6 * 3_600_000;

/**
 * Waits for a statement to finish on the warehouse through core's policy: each status poll is one
 * call, and a statement still running answers NotReadyError, so the policy's backoff spaces the
 * polls within `budgetMs` rather than one request timeout (the driver's own wait is a single
 * promise over all its polls, which a long statement would outlive). A poll that fails or times
 * out leaves the statement alone: whoever opened it closes it (which cancels it on the warehouse).
 * The statement's outcome, a failure included, is read afterwards by whoever fetches its result.
 * `operation` names the polls: `read.wait` for a read's query, `write.wait` for a write's statements.
 */
export async function awaitStatement(context: ConnectorContext, statement: DriverOperation, budgetMs: number, operation = 'read.wait'): Promise<void> {
  await context.call(operation, async ({ signal }) => {
    const status = (await abortable(statement.status(false), signal)) as { operationState?: number };
    if (status.operationState !== undefined && inProgress.has(status.operationState)) {
      throw new NotReadyError({
        message: 'Databricks SQL statement running',
        connector: context.connector,
        operation,
        code: 'STATEMENT_RUNNING',
        readyWithinMs: budgetMs,
        hint: databricksHints.statementRunning,
      });
    }
  });
}

/**
 * The end of a statement that was submitted (ExecuteStatement answered) and may still be running:
 * waited for by polling (`write.wait`), then its outcome read in a call of its own, `operation`
 * (a failed statement throws its error there, typed by core's classifier). The statement is closed
 * either way, which cancels it on the warehouse if the wait gave up. So a MERGE or a COPY INTO is
 * bounded by `budgetMs` (`statementTimeoutSeconds`), not by one request timeout.
 */
export async function finishStatement(
  context: ConnectorContext,
  statements: DatabricksStatements,
  statement: DriverOperation,
  budgetMs: number,
  operation: string,
): Promise<void> {
  try {
    await awaitStatement(context, statement, budgetMs, 'write.wait');
    await context.call(operation, ({ signal }) => statements.outcome(statement, signal));
  } finally {
    void statement.close().catch(() => undefined);
  }
}

/** A write statement to its end: submitted in one call (retried as any), then `finishStatement`. */
export async function runStatementToEnd(
  context: ConnectorContext,
  statements: DatabricksStatements,
  operation: string,
  sql: string,
  budgetMs: number,
  options: StatementOptions = {},
): Promise<void> {
  const statement = await context.call(operation, ({ signal }) => statements.open(sql, signal, options));
  await finishStatement(context, statements, statement, budgetMs, operation);
}
