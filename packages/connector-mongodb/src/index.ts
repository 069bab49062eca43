export { createConnector, MongoDbConnector, type MongoDbConnectorConfig } from './mongodb-connector.js';
export { convertMongoDbDocument, type ConvertOptions, type DecimalMode } from './convert-mongodb-record.js';
export { classifyMongoDbError } from './mongodb-errors.js';
