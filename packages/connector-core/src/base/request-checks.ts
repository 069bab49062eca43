import type { ConnectorCapabilities } from '../contract/capabilities.js';
import type { ReadRequest, WriteMode, WriteRequest } from '../contract/requests.js';
import { ConfigError, UnsupportedOperationError } from '../errors/connector-error.js';

function invalid(connector: string, operation: string, path: string, message: string): ConfigError {
  const error = new ConfigError({ message: `Invalid ${operation} request: ${path}: ${message}`, connector, operation, hint: `Fix ${path}.` });
  error.issues = [{ path, message }];
  return error;
}

function unsupported(connector: string, operation: string, what: string, hint?: string): UnsupportedOperationError {
  return new UnsupportedOperationError({ message: `The ${connector} connector does not support ${what}`, connector, operation, ...(hint ? { hint } : {}) });
}

/** Refuses, before any I/O, a read the connector cannot honour or a malformed option. */
export function checkReadRequest(connector: string, capabilities: ConnectorCapabilities, request: ReadRequest): void {
  if (!capabilities.read) throw unsupported(connector, 'read', 'reads');
  if (request.maxRows !== undefined && !(Number.isInteger(request.maxRows) && request.maxRows > 0)) {
    throw invalid(connector, 'read', 'maxRows', 'must be a positive integer (omit it to read everything)');
  }
  if (request.pageSize !== undefined && !(Number.isInteger(request.pageSize) && request.pageSize > 0)) {
    throw invalid(connector, 'read', 'pageSize', 'must be a positive integer');
  }
  if (request.since !== undefined) {
    if (!(request.since instanceof Date) || Number.isNaN(request.since.getTime())) throw invalid(connector, 'read', 'since', 'must be a valid Date');
    if (capabilities.incrementalRead === false) {
      throw unsupported(
        connector,
        'read',
        'incremental reads (since)',
        'Read the whole table and filter on a date column, or use a system that records modification times.',
      );
    }
  }
  if (request.query !== undefined && !capabilities.query) throw unsupported(connector, 'read', 'queries (query)', 'Read a table instead.');
  if (request.parameters !== undefined && request.query === undefined) throw invalid(connector, 'read', 'parameters', 'given without a query');
  if (request.filter !== undefined && !capabilities.filter) throw unsupported(connector, 'read', 'document filters (filter)');
  if (request.sort !== undefined && !capabilities.sort) throw unsupported(connector, 'read', 'sorting (sort)');
  if (request.columns !== undefined && (!Array.isArray(request.columns) || request.columns.some((column) => typeof column !== 'string'))) {
    throw invalid(connector, 'read', 'columns', 'must be an array of column names');
  }
}

/** Refuses, before any I/O, a write mode the connector lacks. */
export function checkWriteRequest(connector: string, capabilities: ConnectorCapabilities, request: WriteRequest, mode: WriteMode): void {
  if (!capabilities.write) throw unsupported(connector, 'write', 'writes');
  if (!capabilities.writeModes.includes(mode)) {
    throw unsupported(connector, 'write', `the "${mode}" write mode`, `Use one of: ${capabilities.writeModes.join(', ')}.`);
  }
  if (request.mode !== undefined && !['append', 'overwrite', 'upsert'].includes(request.mode)) {
    throw invalid(connector, 'write', 'mode', 'must be append, overwrite or upsert');
  }
}
