import { type Document, deserialize, serialize } from 'bson';

// The MongoDB wire protocol's message framing, as far as the fault proxy needs it: every message
// starts with a 16-byte little-endian header (messageLength, requestID, responseTo, opCode).
// Reference: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
export const OP_MSG = 2013;
export const OP_QUERY = 2004;
const HEADER_BYTES = 16;
const CHECKSUM_PRESENT = 1;

export interface WireHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** One command as a client sent it: its name (the body's first key), database and target. */
export interface WireCommand {
  name: string;
  database: string | undefined;
  /** The value of the first key when it is a string: the collection of insert/update/find/... */
  collection: string | undefined;
  /** Statements carried: documents of an insert, updates of an update, deletes of a delete. */
  statements: number;
}

export function readHeader(buffer: Buffer): WireHeader {
  return {
    length: buffer.readInt32LE(0),
    requestId: buffer.readInt32LE(4),
    responseTo: buffer.readInt32LE(8),
    opCode: buffer.readInt32LE(12),
  };
}

/** Cuts complete messages off the front of `pending`; returns them and what is left. */
export function splitMessages(pending: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let offset = 0;
  while (pending.length - offset >= 4) {
    const length = pending.readInt32LE(offset);
    if (length < HEADER_BYTES) throw new Error(`invalid wire message length ${length}`);
    if (pending.length - offset < length) break;
    messages.push(pending.subarray(offset, offset + length));
    offset += length;
  }
  return { messages, rest: pending.subarray(offset) };
}

const statementFields = ['documents', 'updates', 'deletes'];

/** The command an OP_MSG (or a legacy OP_QUERY handshake) carries; undefined for other opcodes. */
export function parseCommand(message: Buffer): WireCommand | undefined {
  const header = readHeader(message);
  if (header.opCode === OP_QUERY) return parseQuery(message);
  if (header.opCode !== OP_MSG) return undefined;
  const flags = message.readUInt32LE(HEADER_BYTES);
  const end = message.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_BYTES + 4;
  let body: Document | undefined;
  let statements = 0;
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    const size = message.readInt32LE(offset);
    if (kind === 0) {
      body = deserialize(message.subarray(offset, offset + size), { promoteValues: false });
    } else {
      // A document sequence: int32 size, cstring identifier, then documents up to size.
      const identifierEnd = message.indexOf(0, offset + 4);
      const identifier = message.toString('utf8', offset + 4, identifierEnd);
      if (statementFields.includes(identifier)) statements += countDocuments(message, identifierEnd + 1, offset + size);
    }
    offset += size;
  }
  if (!body) return undefined;
  for (const field of statementFields) {
    const value = body[field];
    if (Array.isArray(value)) statements += value.length;
  }
  return describeBody(body, typeof body.$db === 'string' ? body.$db : undefined, statements);
}

function parseQuery(message: Buffer): WireCommand | undefined {
  // OP_QUERY: flags int32, fullCollectionName cstring, numberToSkip int32, numberToReturn int32, query.
  const nameEnd = message.indexOf(0, HEADER_BYTES + 4);
  const namespace = message.toString('utf8', HEADER_BYTES + 4, nameEnd);
  const queryStart = nameEnd + 1 + 8;
  const size = message.readInt32LE(queryStart);
  const body = deserialize(message.subarray(queryStart, queryStart + size), { promoteValues: false });
  return describeBody(body, namespace.split('.')[0], 0);
}

function describeBody(body: Document, database: string | undefined, statements: number): WireCommand {
  const name = Object.keys(body)[0] ?? '';
  const target = body[name];
  return { name, database, collection: typeof target === 'string' ? target : undefined, statements };
}

function countDocuments(message: Buffer, start: number, end: number): number {
  let count = 0;
  for (let offset = start; offset < end; offset += message.readInt32LE(offset)) count += 1;
  return count;
}

/** An OP_MSG reply to `requestId` carrying one body document, as a server sends it. */
export function encodeReply(requestId: number, body: Document): Buffer {
  const document = serialize(body);
  const message = Buffer.alloc(HEADER_BYTES + 4 + 1 + document.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(nextReplyId(), 4);
  message.writeInt32LE(requestId, 8);
  message.writeInt32LE(OP_MSG, 12);
  message.writeUInt32LE(0, HEADER_BYTES);
  message[HEADER_BYTES + 4] = 0;
  message.set(document, HEADER_BYTES + 5);
  return message;
}

let replyId = 1 << 24;
function nextReplyId(): number {
  replyId = (replyId + 1) | 0;
  return replyId;
}
