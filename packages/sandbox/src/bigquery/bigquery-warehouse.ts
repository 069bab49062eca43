import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBType, type DuckDBValue, VARCHAR } from '@duckdb/node-api';
import { duckTypeOf, legacyType, normalizeSchema, quoteIdent, reconcileSchema, type TableFieldSchema } from './bigquery-schema.js';
import { type QueryParameter, rewriteGoogleSql } from './bigquery-sql.js';
import { parameterText } from './bigquery-values.js';

export interface TableRef {
  projectId: string;
  datasetId: string;
  tableId: string;
}

export interface DatasetState {
  projectId: string;
  datasetId: string;
  location: string;
  creationTime: number;
  lastModifiedTime: number;
  description?: string;
  labels?: Record<string, string>;
}

interface TableState {
  /** The schema the table was created or loaded with: keeps GEOGRAPHY, BIGNUMERIC and modes DuckDB cannot tell. */
  declared?: TableFieldSchema[];
  creationTime: number;
  lastModifiedTime: number;
  description?: string;
  /** insertAll's best-effort de-duplication window. */
  insertIds: Set<string>;
}

/** What a query did, for the job's statistics and its results. */
export interface QueryOutcome {
  statementType: string;
  schema: TableFieldSchema[];
  /** Where a SELECT's rows were written (the job's anonymous destination table). */
  destination?: TableRef;
  numDmlAffectedRows?: number;
  totalRows: number;
  totalBytesProcessed: number;
  referencedTables: TableRef[];
}

/** A warehouse error with the BigQuery reason it is answered with. */
export class WarehouseError extends Error {
  readonly reason: 'notFound' | 'invalidQuery' | 'invalid' | 'duplicate';
  constructor(reason: WarehouseError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Where SELECT results are kept, one table per job, hidden from datasets.list as BigQuery's anonymous datasets are. */
export const ANONYMOUS_DATASET = '_anonymous_results';

const tableKey = (ref: TableRef) => `${ref.projectId}:${ref.datasetId}.${ref.tableId}`;
const datasetKey = (projectId: string, datasetId: string) => `${projectId}:${datasetId}`;
export const qualified = (ref: TableRef) => `${quoteIdent(ref.projectId)}.${quoteIdent(ref.datasetId)}.${quoteIdent(ref.tableId)}`;

/**
 * BigQuery's storage and SQL engine for the emulator, on an in-memory DuckDB: one DuckDB catalog
 * per project, one schema per dataset, so `project.dataset.table` resolves natively once the
 * GoogleSQL is rewritten. Every statement goes through one connection, one at a time, so a load
 * job's truncate-and-insert is atomic to readers as BigQuery's are.
 */
export class BigQueryWarehouse {
  readonly datasets = new Map<string, DatasetState>();
  readonly #tables = new Map<string, TableState>();
  readonly #projects = new Set<string>();
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  readonly #scratch = mkdtempSync(join(tmpdir(), 'bigquery-emulator-'));
  #queue: Promise<unknown> = Promise.resolve();
  #version = 0;
  #fileCounter = 0;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance;
    this.#connection = connection;
  }

  static async create(): Promise<BigQueryWarehouse> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    return new BigQueryWarehouse(instance, connection);
  }

  close(): void {
    this.#connection.closeSync();
    this.#instance.closeSync();
    rmSync(this.#scratch, { recursive: true, force: true });
  }

  /** Bumped by every change to data or tables: what cached pages are keyed on. */
  get version(): number {
    return this.#version;
  }

  /** Marks the data as changed (also for SQL run directly on the connection). */
  touch(): void {
    this.#version += 1;
  }

  /** Runs `work` alone on the connection. */
  serial<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => work(this.#connection));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #ensureProject(connection: DuckDBConnection, projectId: string): Promise<void> {
    if (this.#projects.has(projectId)) return;
    await connection.run(`ATTACH ':memory:' AS ${quoteIdent(projectId)}`);
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(projectId)}.${quoteIdent(ANONYMOUS_DATASET)}`);
    this.#projects.add(projectId);
  }

  /** Drops everything: datasets, tables, results. */
  async reset(): Promise<void> {
    this.touch();
    await this.serial(async (connection) => {
      await connection.run('USE memory');
      for (const project of this.#projects) await connection.run(`DETACH ${quoteIdent(project)}`);
    });
    this.#projects.clear();
    this.datasets.clear();
    this.#tables.clear();
  }

  getDataset(projectId: string, datasetId: string): DatasetState | undefined {
    return this.datasets.get(datasetKey(projectId, datasetId));
  }

  async createDataset(dataset: Omit<DatasetState, 'creationTime' | 'lastModifiedTime'>): Promise<DatasetState> {
    if (this.getDataset(dataset.projectId, dataset.datasetId)) {
      throw new WarehouseError('duplicate', `Already Exists: Dataset ${dataset.projectId}:${dataset.datasetId}`);
    }
    await this.serial(async (connection) => {
      await this.#ensureProject(connection, dataset.projectId);
      await connection.run(`CREATE SCHEMA ${quoteIdent(dataset.projectId)}.${quoteIdent(dataset.datasetId)}`);
    });
    const now = Date.now();
    const state: DatasetState = { ...dataset, creationTime: now, lastModifiedTime: now };
    this.datasets.set(datasetKey(dataset.projectId, dataset.datasetId), state);
    return state;
  }

  async deleteDataset(projectId: string, datasetId: string, deleteContents: boolean): Promise<void> {
    const tables = await this.listTables(projectId, datasetId);
    if (tables.length > 0 && !deleteContents) {
      throw new WarehouseError('invalid', `Dataset ${projectId}:${datasetId} is still in use`);
    }
    this.touch();
    await this.serial((connection) => connection.run(`DROP SCHEMA ${quoteIdent(projectId)}.${quoteIdent(datasetId)} CASCADE`));
    this.datasets.delete(datasetKey(projectId, datasetId));
    for (const key of [...this.#tables.keys()]) if (key.startsWith(`${projectId}:${datasetId}.`)) this.#tables.delete(key);
  }

  /** The tables of a dataset, made by the API or by SQL alike. */
  async listTables(projectId: string, datasetId: string): Promise<string[]> {
    if (!this.#projects.has(projectId)) return [];
    return this.serial(async (connection) => {
      const reader = await connection.runAndReadAll(
        'SELECT table_name FROM information_schema.tables WHERE table_catalog = $catalog AND table_schema = $schema ORDER BY table_name',
        { catalog: projectId, schema: datasetId },
      );
      return reader.getRows().map((row) => String(row[0]));
    });
  }

  async tableExists(ref: TableRef): Promise<boolean> {
    return (await this.listTables(ref.projectId, ref.datasetId)).includes(ref.tableId);
  }

  async createTable(ref: TableRef, fields: TableFieldSchema[], description?: string): Promise<void> {
    if (!this.getDataset(ref.projectId, ref.datasetId)) throw notFoundDataset(ref.projectId, ref.datasetId);
    const declared = normalizeSchema(fields);
    if (await this.tableExists(ref)) throw new WarehouseError('duplicate', `Already Exists: Table ${tableKey(ref)}`);
    this.touch();
    await this.serial((connection) => connection.run(createTableSql(ref, declared)));
    const now = Date.now();
    this.#tables.set(tableKey(ref), { declared, creationTime: now, lastModifiedTime: now, description, insertIds: new Set() });
  }

  async deleteTable(ref: TableRef): Promise<void> {
    if (!(await this.tableExists(ref))) throw notFoundTable(ref);
    this.touch();
    await this.serial((connection) => connection.run(`DROP TABLE ${qualified(ref)}`));
    this.#tables.delete(tableKey(ref));
  }

  /** The table's metadata as tables.get reports it (schema, rows, bytes, times). */
  async describeTable(
    ref: TableRef,
  ): Promise<{ schema: TableFieldSchema[]; numRows: number; numBytes: number; creationTime: number; lastModifiedTime: number; description?: string }> {
    if (!(await this.tableExists(ref))) throw notFoundTable(ref);
    const schema = await this.schemaOf(ref);
    const { rows, bytes } = await this.#measure(ref, schema);
    const state = this.#state(ref);
    return {
      schema,
      numRows: rows,
      numBytes: Object.values(bytes).reduce((sum, value) => sum + value, 0),
      creationTime: state.creationTime,
      lastModifiedTime: state.lastModifiedTime,
      description: state.description,
    };
  }

  #state(ref: TableRef): TableState {
    let state = this.#tables.get(tableKey(ref));
    if (!state) {
      // Made by SQL (CREATE TABLE, a query's destination): first seen now.
      const now = Date.now();
      state = { creationTime: now, lastModifiedTime: now, insertIds: new Set() };
      this.#tables.set(tableKey(ref), state);
    }
    return state;
  }

  /** The BigQuery schema of a table: DuckDB's columns, with the declared types where they still apply. */
  async schemaOf(ref: TableRef): Promise<TableFieldSchema[]> {
    const columns = await this.serial(async (connection) => {
      const reader = await connection.runAndReadAll(`SELECT * FROM ${qualified(ref)} LIMIT 0`);
      return reader.columnNames().map((name, index) => ({ name, type: reader.columnType(index) }));
    });
    return reconcileSchema(columns, this.#tables.get(tableKey(ref))?.declared);
  }

  /** Row count and BigQuery's logical bytes per column (8 per INT64, 2 + length per STRING...). */
  async #measure(ref: TableRef, schema: TableFieldSchema[]): Promise<{ rows: number; bytes: Record<string, number> }> {
    const expressions = schema.map((field) => `COALESCE(SUM(${sizeExpression(field)}), 0)::DOUBLE`);
    return this.serial(async (connection) => {
      const reader = await connection.runAndReadAll(
        `SELECT COUNT(*)::DOUBLE${expressions.map((expression) => `, ${expression}`).join('')} FROM ${qualified(ref)}`,
      );
      const row = reader.getRows()[0] ?? [];
      const bytes: Record<string, number> = {};
      schema.forEach((field, index) => {
        bytes[field.name] = Number(row[index + 1] ?? 0);
      });
      return { rows: Number(row[0] ?? 0), bytes };
    });
  }

  async countRows(ref: TableRef): Promise<number> {
    return this.serial(async (connection) => {
      const reader = await connection.runAndReadAll(`SELECT COUNT(*)::DOUBLE FROM ${qualified(ref)}`);
      return Number(reader.getRows()[0]?.[0] ?? 0);
    });
  }

  /** A page of a table in storage order (tabledata.list, getQueryResults). */
  async readRows(
    ref: TableRef,
    options: { startIndex: number; maxResults: number; selectedFields?: string[] },
  ): Promise<{ schema: TableFieldSchema[]; rows: DuckDBValue[][] }> {
    const full = await this.schemaOf(ref);
    const schema = options.selectedFields
      ? full.filter((field) => options.selectedFields!.some((name) => name.toLowerCase() === field.name.toLowerCase()))
      : full;
    const columns = schema.length > 0 ? schema.map((field) => quoteIdent(field.name)).join(', ') : '1';
    const rows = await this.serial(async (connection) => {
      const reader = await connection.runAndReadAll(
        // DuckDB keeps insertion order for scans without ORDER BY (preserve_insertion_order, on by
        // default), so pages are stable without sorting the table for each one.
        `SELECT ${columns} FROM ${qualified(ref)} LIMIT ${Math.max(0, Math.floor(options.maxResults))} OFFSET ${Math.max(0, Math.floor(options.startIndex))}`,
      );
      return reader.getRows();
    });
    return { schema, rows };
  }

  /** Rows already checked against the schema (by the load job or insertAll), written in one transaction. */
  async writeRows(
    ref: TableRef,
    schema: TableFieldSchema[],
    rows: Array<Record<string, unknown>>,
    options: { truncate: boolean; create: boolean },
  ): Promise<void> {
    const declared = normalizeSchema(schema);
    const exists = await this.tableExists(ref);
    const file = join(this.#scratch, `rows-${(this.#fileCounter += 1)}.ndjson`);
    if (rows.length > 0) writeFileSync(file, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
    this.touch();
    await this.serial(async (connection) => {
      await connection.run('BEGIN TRANSACTION');
      try {
        if (!exists && options.create) await connection.run(createTableSql(ref, declared));
        if (exists && options.truncate) await connection.run(`DELETE FROM ${qualified(ref)}`);
        if (rows.length > 0) {
          const columns = declared.map(
            (field) =>
              `'${field.name.replaceAll("'", "''")}': '${(legacyType(field.type) === 'BYTES' && field.mode !== 'REPEATED' ? 'VARCHAR' : duckTypeOf(field)).replaceAll("'", "''")}'`,
          );
          const select = declared.map((field) =>
            legacyType(field.type) === 'BYTES' && field.mode !== 'REPEATED' ? `from_base64(${quoteIdent(field.name)})` : quoteIdent(field.name),
          );
          await connection.run(
            `INSERT INTO ${qualified(ref)} (${declared.map((field) => quoteIdent(field.name)).join(', ')}) SELECT ${select.join(', ')} FROM read_json('${file}', format = 'newline_delimited', columns = {${columns.join(', ')}}, maximum_object_size = 104857600)`,
          );
        }
        await connection.run('COMMIT');
      } catch (error) {
        await connection.run('ROLLBACK');
        throw error;
      } finally {
        if (rows.length > 0) rmSync(file, { force: true });
      }
    });
    const state = this.#state(ref);
    if (!exists && options.create) {
      state.declared = declared;
      state.creationTime = Date.now();
    }
    if (!state.declared) state.declared = declared;
    state.lastModifiedTime = Date.now();
  }

  /** insertAll's best-effort de-duplication: whether this insertId was seen on the table before. */
  seenInsertId(ref: TableRef, insertId: string): boolean {
    const state = this.#state(ref);
    if (state.insertIds.has(insertId)) return true;
    state.insertIds.add(insertId);
    return false;
  }

  /** Checks a query without running it: its result schema, statement type, tables and bytes (dry runs, cost caps). */
  async plan(
    sql: string,
    parameters: QueryParameter[],
    context: { projectId: string; defaultDataset?: { projectId?: string; datasetId: string } },
  ): Promise<{
    duckSql: string;
    statementType: string;
    schema: TableFieldSchema[];
    referencedTables: TableRef[];
    totalBytesProcessed: number;
  }> {
    const duckSql = rewriteGoogleSql(sql.trim().replace(/;\s*$/, ''), parameters).sql;
    const statementType = statementTypeOf(duckSql);
    await this.serial((connection) => this.#ensureProject(connection, context.projectId));
    const { columns, tableNames } = await this.serial(async (connection) => {
      await useDefault(connection, context);
      try {
        const prepared = await connection.prepare(duckSql);
        const found: Array<{ name: string; type: DuckDBType }> = [];
        for (let index = 0; index < prepared.columnCount; index += 1) found.push({ name: prepared.columnName(index), type: prepared.columnType(index) });
        prepared.destroySync();
        return { columns: found, tableNames: connection.getTableNames(duckSql, true) };
      } catch (error) {
        throw duckError(error, context);
      }
    });
    const referencedTables = await this.#resolveTables(tableNames, context);
    const declared = (await Promise.all(referencedTables.map((ref) => this.schemaOf(ref)))).flat();
    const schema = statementType === 'SELECT' ? reconcileSchema(columns, declared) : [];
    let totalBytesProcessed = 0;
    for (const ref of referencedTables) {
      const tableSchema = await this.schemaOf(ref);
      const { bytes } = await this.#measure(ref, tableSchema);
      // BigQuery charges the columns a query reads; a column is counted when the query names it.
      const all = /\*/.test(sql.replace(/COUNT\s*\(\s*\*\s*\)/gi, ''));
      for (const field of tableSchema) {
        if (all || new RegExp(`\\b${field.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(sql)) totalBytesProcessed += bytes[field.name] ?? 0;
      }
    }
    return { duckSql, statementType, schema, referencedTables, totalBytesProcessed };
  }

  /** Runs a query for a job: a SELECT's rows go to the job's anonymous table, DML and DDL run in place. */
  async runQuery(
    sql: string,
    parameters: QueryParameter[],
    context: {
      projectId: string;
      jobId: string;
      defaultDataset?: { projectId?: string; datasetId: string };
      destinationTable?: TableRef;
      writeDisposition?: string;
    },
  ): Promise<QueryOutcome> {
    const plan = await this.plan(sql, parameters, context);
    const values = bindValues(parameters);
    // A query writing a destination table changes data like DML does.
    if (context.destinationTable) this.touch();
    if (plan.statementType === 'SELECT') {
      const destination = context.destinationTable ?? {
        projectId: context.projectId,
        datasetId: ANONYMOUS_DATASET,
        tableId: `job_${context.jobId.replace(/\W/g, '_')}`,
      };
      await this.serial(async (connection) => {
        await useDefault(connection, context);
        try {
          const replace = context.destinationTable && context.writeDisposition === 'WRITE_TRUNCATE' ? 'OR REPLACE ' : '';
          if (context.destinationTable && context.writeDisposition === 'WRITE_APPEND' && (await tableExistsOn(connection, destination))) {
            await connection.run(`INSERT INTO ${qualified(destination)} ${plan.duckSql}`, values.values, values.types);
          } else {
            await connection.run(`CREATE ${replace}TABLE ${qualified(destination)} AS ${plan.duckSql}`, values.values, values.types);
          }
        } catch (error) {
          throw duckError(error, context);
        }
      });
      const state = this.#state(destination);
      state.declared = plan.schema;
      const totalRows = await this.countRows(destination);
      return {
        statementType: 'SELECT',
        schema: plan.schema,
        destination,
        totalRows,
        totalBytesProcessed: plan.totalBytesProcessed,
        referencedTables: plan.referencedTables,
      };
    }
    this.touch();
    const changed = await this.serial(async (connection) => {
      await useDefault(connection, context);
      try {
        const result = await connection.run(plan.duckSql, values.values, values.types);
        return result.rowsChanged;
      } catch (error) {
        throw duckError(error, context);
      }
    });
    for (const ref of plan.referencedTables) this.#state(ref).lastModifiedTime = Date.now();
    const dml = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(plan.statementType);
    return {
      statementType: plan.statementType,
      schema: [],
      numDmlAffectedRows: dml ? changed : undefined,
      totalRows: 0,
      totalBytesProcessed: plan.totalBytesProcessed,
      referencedTables: plan.referencedTables,
    };
  }

  /** Resolves DuckDB's table references (`"p".d.t AS x`, `d.t`, `t`) to BigQuery tables that exist. */
  async #resolveTables(
    names: readonly string[],
    context: { projectId: string; defaultDataset?: { projectId?: string; datasetId: string } },
  ): Promise<TableRef[]> {
    const found = new Map<string, TableRef>();
    for (const name of names) {
      const parts = splitQualifiedName(name.replace(/\s+AS\s+.*$/i, ''));
      const defaultProject = context.defaultDataset?.projectId ?? context.projectId;
      const candidates: TableRef[] =
        parts.length >= 3
          ? [{ projectId: parts[0]!, datasetId: parts[1]!, tableId: parts[2]! }]
          : parts.length === 2
            ? [{ projectId: defaultProject, datasetId: parts[0]!, tableId: parts[1]! }]
            : context.defaultDataset
              ? [{ projectId: defaultProject, datasetId: context.defaultDataset.datasetId, tableId: parts[0]! }]
              : [];
      for (const candidate of candidates) {
        if (this.#projects.has(candidate.projectId) && (await this.tableExists(candidate))) found.set(tableKey(candidate), candidate);
      }
    }
    return [...found.values()];
  }
}

function createTableSql(ref: TableRef, fields: TableFieldSchema[]): string {
  const columns = fields.map((field) => `${quoteIdent(field.name)} ${duckTypeOf(field)}${field.mode === 'REQUIRED' ? ' NOT NULL' : ''}`);
  return `CREATE TABLE ${qualified(ref)} (${columns.join(', ')})`;
}

/** BigQuery's logical size of one value of a field (https://cloud.google.com/bigquery/pricing#data), as SQL. */
function sizeExpression(field: TableFieldSchema): string {
  const column = quoteIdent(field.name);
  if (field.mode === 'REPEATED' || legacyType(field.type) === 'RECORD') return `CASE WHEN ${column} IS NULL THEN 0 ELSE 2 + strlen(${column}::VARCHAR) END`;
  const fixed: Record<string, number> = { INTEGER: 8, FLOAT: 8, DATE: 8, DATETIME: 8, TIME: 8, TIMESTAMP: 8, NUMERIC: 16, BIGNUMERIC: 32, BOOLEAN: 1 };
  const size = fixed[legacyType(field.type) ?? ''];
  if (size !== undefined) return `CASE WHEN ${column} IS NULL THEN 0 ELSE ${size} END`;
  if (legacyType(field.type) === 'BYTES') return `CASE WHEN ${column} IS NULL THEN 0 ELSE 2 + octet_length(${column}) END`;
  return `CASE WHEN ${column} IS NULL THEN 0 ELSE 2 + strlen(${column}::VARCHAR) END`;
}

/** BigQuery's statement types (JobStatistics2.statementType) from a statement's first keywords. */
export function statementTypeOf(sql: string): string {
  const text = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '').toUpperCase();
  if (/^(SELECT|WITH|\(|VALUES|FROM)\b/.test(text) || text.startsWith('(')) return 'SELECT';
  const match = /^(INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b/.exec(text);
  if (match) return match[1] === 'TRUNCATE' ? 'TRUNCATE_TABLE' : match[1]!;
  if (/^CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+|TEMPORARY\s+)?TABLE\b[\s\S]*\bAS\s*\(?\s*(SELECT|WITH)\b/.test(text)) return 'CREATE_TABLE_AS_SELECT';
  const ddl = /^(CREATE|DROP|ALTER)\s+(OR\s+REPLACE\s+)?(TEMP\s+|TEMPORARY\s+)?(TABLE|VIEW|SCHEMA)\b/.exec(text);
  if (ddl) return `${ddl[1]}_${ddl[4]}`;
  return 'SCRIPT';
}

async function useDefault(
  connection: DuckDBConnection,
  context: { projectId: string; defaultDataset?: { projectId?: string; datasetId: string } },
): Promise<void> {
  if (context.defaultDataset) {
    await connection.run(`USE ${quoteIdent(context.defaultDataset.projectId ?? context.projectId)}.${quoteIdent(context.defaultDataset.datasetId)}`);
  } else {
    await connection.run(`USE ${quoteIdent(context.projectId)}`);
  }
}

async function tableExistsOn(connection: DuckDBConnection, ref: TableRef): Promise<boolean> {
  const reader = await connection.runAndReadAll('SELECT 1 FROM information_schema.tables WHERE table_catalog = $c AND table_schema = $s AND table_name = $t', {
    c: ref.projectId,
    s: ref.datasetId,
    t: ref.tableId,
  });
  return reader.currentRowCount > 0;
}

/** Parameters as DuckDB binds them: every value as text, cast in the SQL to the parameter's type. */
function bindValues(parameters: QueryParameter[]): { values: Record<string, DuckDBValue> | DuckDBValue[]; types: Record<string, DuckDBType> | DuckDBType[] } {
  const text = (parameter: QueryParameter): string | null => {
    const { type, arrayType } = parameter.parameterType;
    if (type.toUpperCase() === 'ARRAY') {
      const items = (parameter.parameterValue.arrayValues ?? []).map((item) => {
        const value = parameterText(arrayType?.type ?? 'STRING', item.value);
        if (value === null) return 'NULL';
        return /^(INTEGER|FLOAT|NUMERIC|BIGNUMERIC|BOOLEAN)$/.test(legacyType(arrayType?.type ?? 'STRING') ?? '') ? value : `'${value.replaceAll("'", "''")}'`;
      });
      return `[${items.join(', ')}]`;
    }
    return parameterText(type, parameter.parameterValue.value);
  };
  if (parameters.length > 0 && parameters.every((parameter) => !parameter.name)) {
    return { values: parameters.map(text), types: parameters.map(() => VARCHAR) };
  }
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const parameter of parameters) {
    if (!parameter.name) continue;
    values[parameter.name] = text(parameter);
    types[parameter.name] = VARCHAR;
  }
  return { values, types };
}

/** Splits `"my-project".d.t` into its parts, honouring double quotes. */
function splitQualifiedName(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < name.length; index += 1) {
    const char = name[index]!;
    if (char === '"') {
      if (quoted && name[index + 1] === '"') {
        current += '"';
        index += 1;
      } else quoted = !quoted;
    } else if (char === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  return parts.filter((part) => part !== '');
}

function notFoundDataset(projectId: string, datasetId: string): WarehouseError {
  return new WarehouseError('notFound', `Not found: Dataset ${projectId}:${datasetId}`);
}

function notFoundTable(ref: TableRef): WarehouseError {
  return new WarehouseError('notFound', `Not found: Table ${tableKey(ref)}`);
}

/** DuckDB's error as the BigQuery error a client would see for the same mistake. */
function duckError(error: unknown, context: { projectId: string; defaultDataset?: { projectId?: string; datasetId: string } }): WarehouseError {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /Table with name ([^\s!]+) does not exist/i.exec(message);
  if (missing) {
    const table = missing[1]!.replaceAll('"', '');
    const parts = table.split('.');
    const dataset = parts.length >= 2 ? parts.at(-2) : context.defaultDataset?.datasetId;
    return new WarehouseError('notFound', `Not found: Table ${context.projectId}:${dataset ?? '(default)'}.${parts.at(-1)} was not found in location US`);
  }
  const catalog = /Catalog "?([^"\s]+)"? does not exist/i.exec(message);
  if (catalog) return new WarehouseError('notFound', `Not found: Dataset ${context.projectId}:${catalog[1]} was not found in location US`);
  return new WarehouseError(
    'invalidQuery',
    message.replace(/^(Parser|Binder|Catalog|Conversion|Invalid Input|Constraint) Error: /, (_, kind: string) => (kind === 'Parser' ? 'Syntax error: ' : '')),
  );
}
