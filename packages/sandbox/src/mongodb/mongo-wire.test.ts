import { deserialize, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { encodeReply, OP_MSG, parseCommand, readHeader, splitMessages } from './mongo-wire.js';

// An OP_MSG as the driver writes an insert: the command body (section kind 0) and the documents as a
// document sequence (section kind 1), per the wire protocol reference.
function insertMessage(requestId: number, documents: object[]): Buffer {
  const body = serialize({ insert: 'scores', ordered: false, $db: 'analytics' });
  const sequence = Buffer.concat([Buffer.from('documents\0'), ...documents.map((document) => serialize(document))]);
  const sequenceSize = Buffer.alloc(4);
  sequenceSize.writeInt32LE(4 + sequence.length);
  const sections = Buffer.concat([Buffer.from([0]), body, Buffer.from([1]), sequenceSize, sequence]);
  const header = Buffer.alloc(20);
  header.writeInt32LE(20 + sections.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16);
  return Buffer.concat([header, sections]);
}

describe('MongoDB wire framing', () => {
  it('reads the command, its database, collection and statement count from an OP_MSG', () => {
    const message = insertMessage(7, [{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    expect(parseCommand(message)).toEqual({ name: 'insert', database: 'analytics', collection: 'scores', statements: 3 });
  });

  it('cuts complete messages off a stream and keeps the partial tail', () => {
    const first = insertMessage(1, [{ a: 1 }]);
    const second = insertMessage(2, [{ a: 2 }, { a: 3 }]);
    const stream = Buffer.concat([first, second]);
    const { messages, rest } = splitMessages(stream.subarray(0, first.length + 10));
    expect(messages).toHaveLength(1);
    expect(readHeader(messages[0]!).requestId).toBe(1);
    expect(rest).toHaveLength(10);
    expect(() => splitMessages(Buffer.from([1, 0, 0, 0]))).toThrow(/invalid wire message length/);
  });

  it('encodes an error reply to the request it answers', () => {
    const reply = encodeReply(42, { ok: 0, code: 91, codeName: 'ShutdownInProgress' });
    const header = readHeader(reply);
    expect(header).toMatchObject({ length: reply.length, responseTo: 42, opCode: OP_MSG });
    expect(deserialize(reply.subarray(21))).toEqual({ ok: 0, code: 91, codeName: 'ShutdownInProgress' });
  });
});
