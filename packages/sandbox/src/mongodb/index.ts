// MongoDB: a real MongoDB-compatible server (FerretDB v1, built by scripts/ferretdb.sh) and a
// wire-protocol proxy that injects faults in front of it. No emulator: the data is a real server's.
export { type FerretDbOptions, type FerretDbServer, startFerretDb } from './ferretdb-server.js';
export { type MongoFault, MongoFaultProxy, type MongoFaultRule, type ProxiedCommand } from './mongo-fault-proxy.js';
export { encodeReply, parseCommand, splitMessages, type WireCommand } from './mongo-wire.js';
