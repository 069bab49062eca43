export { ConnectionsProject, type ConnectionSummary, type ProjectOptions, type ResolvedConnection } from './connections-project.js';
export {
  checkConnectionName,
  connectionsFileNames,
  findConnectionsFile,
  readConnectionsFile,
  writeConnectionsFile,
  type ConnectionEntry,
  type ConnectionsDocument,
} from './connections-file.js';
export { SecretStore, secretKeyVariable } from './secret-store.js';
export { formatSecretReference, parseSecretReference, resolveSecretReference, type SecretReference } from './secret-reference.js';
export { secretFieldsOf } from './secret-fields.js';
