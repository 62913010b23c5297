/**
 * The server's writer for `--stdio` (server/src/node/stdioTransport.ts): each message in one
 * write, framed so that vscode-jsonrpc's own reader, which every Node client uses, reads back
 * exactly what was sent, in order.
 */
import { strict as assert } from 'assert';
import { PassThrough, Writable } from 'stream';
import { StreamMessageReader, type Message, type NotificationMessage, type ResponseMessage } from 'vscode-languageserver/node';
import { LONG_ANSWER_ITEMS, LongAnswerFrames, outputWritten, WholeMessageWriter } from '../../server/src/node/stdioTransport';

/** A stream that, like stdout's pipe, takes several chunks in one write (`_writev`), and records each write as its bytes. */
class RecordingStream extends Writable {
  readonly writes: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writes.push(chunk);
    done();
  }
  override _writev(chunks: { chunk: Buffer }[], done: (error?: Error | null) => void): void {
    this.writes.push(Buffer.concat(chunks.map((c) => c.chunk)));
    done();
  }
}

const note = (text: string): NotificationMessage => ({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: text } });

/** What vscode-jsonrpc's reader reads from `stream` once `count` messages have come. */
function readBack(stream: PassThrough, count: number): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    const reader = new StreamMessageReader(stream);
    const read: Message[] = [];
    reader.onError(reject);
    reader.listen((message) => {
      read.push(message);
      if (read.length === count) resolve(read);
    });
  });
}

describe('stdio transport: one write per message', () => {
  it('writes a message as one frame whose Content-Length counts UTF-8 bytes', async () => {
    const stream = new RecordingStream();
    const writer = new WholeMessageWriter(stream);
    // Names in Cyrillic, Devanagari and Chinese take two or three bytes a character, and an emoji four.
    const message = note('Шавкат Мирзиёев · नरेन्द्र मोदी · 习近平 · 🛰');
    await writer.write(message);
    assert.equal(stream.writes.length, 1, 'header and body in one write');
    const frame = stream.writes[0].toString('utf8');
    const [header, body] = frame.split('\r\n\r\n');
    assert.equal(header, `Content-Length: ${Buffer.byteLength(body, 'utf8')}`);
    assert.ok(Buffer.byteLength(body, 'utf8') > body.length, 'the test needs characters of more than one byte');
    assert.deepEqual(JSON.parse(body), message);
  });

  it("is read back by vscode-jsonrpc's reader, message for message and in order, small and large alike", async () => {
    const stream = new PassThrough();
    const writer = new WholeMessageWriter(stream);
    const large = 'Ташкент '.repeat(200_000);
    const sent = [...Array.from({ length: 500 }, (_, i) => note(`${i}: Душанбе`)), note(large), note('after the large one')];
    const received = readBack(stream, sent.length);
    // Not awaited one by one: answers go out while earlier ones are still being written.
    await Promise.all(sent.map((m) => writer.write(m)));
    assert.deepEqual(await received, sent);
  });

  it('reports a failed write to the connection and to whoever waits for it', async () => {
    const failing = new Writable({ write: (_chunk, _encoding, done) => done(new Error('EPIPE: the client is gone')) });
    failing.on('error', () => undefined);
    const writer = new WholeMessageWriter(failing);
    const reported: unknown[][] = [];
    writer.onError((e) => reported.push(e));
    const message = note('lost');
    await assert.rejects(writer.write(message), /the client is gone/);
    const withMessage = reported.find((r) => r[1] !== undefined);
    assert.ok(withMessage, `the failure was reported with the message it lost: ${JSON.stringify(reported)}`);
    assert.match(String(withMessage[0]), /the client is gone/);
    assert.deepEqual(withMessage[1], message);
    assert.equal(withMessage[2], 1, 'the first failed write');
  });

  it('tells the connection when the stream closes', async () => {
    const stream = new PassThrough();
    const writer = new WholeMessageWriter(stream);
    const closed = new Promise<void>((resolve) => writer.onClose(() => resolve()));
    stream.destroy();
    await closed;
  });
});

/** What a frame must be: the header counting the UTF-8 bytes of `JSON.stringify(message)`, then those bytes. */
function expectedFrame(message: Message): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** A find-references answer: `count` locations in briefs whose paths and positions vary. */
function locations(count: number, uri = (i: number) => `file:///briefs/brief-${i % 97}.brief`): ResponseMessage {
  const result = Array.from({ length: count }, (_, i) => ({ uri: uri(i), range: { start: { line: i, character: i % 80 }, end: { line: i, character: (i % 80) + 7 } } }));
  return { jsonrpc: '2.0', id: count, result };
}

describe('stdio transport: long answers', () => {
  it('frames a long list exactly as JSON.stringify would, whatever its length and items', () => {
    const odd: unknown[] = ['Шавкат Мирзиёев', '习近平 🛰', undefined, null, () => 1, new Date(0), [1, [2, 'नरेन्द्र मोदी']], { toJSON: () => 'as its toJSON says' }, { a: undefined, b: 'é"\\\n' }];
    const cases: ResponseMessage[] = [
      locations(LONG_ANSWER_ITEMS),
      locations(LONG_ANSWER_ITEMS + 1),
      locations(7296),
      // Every item of more than one byte in UTF-8, some of four: the buffer's room is counted in bytes.
      locations(3000, (i) => `file:///брифы/${'Ташкент'.repeat(i % 50)}-🛰-${i}.brief`),
      // Two bytes a character: the room the writer sets aside from the first slice's characters is too small, and must grow.
      locations(LONG_ANSWER_ITEMS, (i) => `file:///брифы/${'Ташкент'.repeat(60)}-${i}.brief`),
      { jsonrpc: '2.0', id: 'a string id', result: Array.from({ length: 1500 }, (_, i) => odd[i % odd.length]) },
    ];
    // Each with a writer of its own, so that each starts from the writer's first, small buffer, and again with one buffer for all.
    const shared = new LongAnswerFrames();
    for (const [message, frames] of [...cases.map((m) => [m, new LongAnswerFrames()] as const), ...cases.map((m) => [m, shared] as const)]) {
      const long = frames.frame(message);
      assert.ok(long, `a list of ${(message.result as unknown[]).length} items is framed as a long answer`);
      assert.ok(long.frame.equals(expectedFrame(message)), `the frame of ${(message.result as unknown[]).length} items (id ${String(message.id)}) is JSON.stringify's`);
      frames.release(long);
    }
  });

  it('leaves every other message to the usual framing', () => {
    const frames = new LongAnswerFrames();
    const list = locations(LONG_ANSWER_ITEMS).result as unknown[];
    const others: Message[] = [
      locations(LONG_ANSWER_ITEMS - 1),
      { jsonrpc: '2.0', id: 1, result: { items: list } } as ResponseMessage,
      { jsonrpc: '2.0', id: 2, error: { code: -32603, message: 'failed', data: list } } as ResponseMessage,
      { jsonrpc: '2.0', id: 3, result: list, extra: true } as ResponseMessage,
      { id: 4, jsonrpc: '2.0', result: list } as ResponseMessage,
      { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: list } as NotificationMessage,
    ];
    for (const message of others) assert.equal(frames.frame(message), undefined, JSON.stringify(message).slice(0, 80));
  });

  it('does not reuse a buffer the stream has not taken yet', () => {
    const frames = new LongAnswerFrames();
    const first = locations(2000);
    const second = locations(2500, (i) => `file:///other/${i}.brief`);
    // An answer written and released before: the writer has a buffer to spare.
    const earlier = frames.frame(locations(3000));
    assert.ok(earlier);
    frames.release(earlier);
    const a = frames.frame(first);
    assert.equal(a?.buffer, earlier.buffer, 'the spare buffer serves the next long answer');
    assert.ok(a);
    const before = Buffer.from(a.frame);
    const b = frames.frame(second);
    assert.ok(b);
    assert.notEqual(a.buffer, b.buffer, 'the second answer gets a buffer of its own');
    assert.ok(a.frame.equals(before), 'the first frame is intact after the second is made');
    frames.release(a);
    frames.release(b);
    const c = frames.frame(first);
    assert.ok(c);
    assert.ok(c.buffer === a.buffer || c.buffer === b.buffer, 'once released, a buffer serves the next long answer');
    assert.ok(c.frame.equals(expectedFrame(first)));
  });

  it('rejects the write of an answer it cannot serialise, long or short, and writes the next', async () => {
    const stream = new PassThrough();
    const writer = new WholeMessageWriter(stream);
    const received = readBack(stream, 1);
    const unserialisable = (count: number): ResponseMessage => ({ jsonrpc: '2.0', id: count, result: Array.from({ length: count }, (_, i) => (i === count - 1 ? { big: 10n } : { i })) });
    await assert.rejects(writer.write(unserialisable(LONG_ANSWER_ITEMS + 10)), /BigInt/);
    await assert.rejects(writer.write(unserialisable(3)), /BigInt/);
    const after = locations(LONG_ANSWER_ITEMS);
    await writer.write(after);
    assert.deepEqual(await received, [after]);
  });

  it("is read back by vscode-jsonrpc's reader among short messages, several long answers under way at once", async () => {
    const stream = new PassThrough({ highWaterMark: 16 * 1024 });
    const writer = new WholeMessageWriter(stream);
    const sent: Message[] = [];
    for (let i = 0; i < 6; i++) sent.push(note(`before ${i}: Бишкек`), locations(1000 + 900 * i, (n) => `file:///w/${i}/${n % 13}.brief`));
    const received = readBack(stream, sent.length);
    // Not awaited one by one: the pipe takes a long answer in many reads, while later ones are framed.
    await Promise.all(sent.map((m) => writer.write(m)));
    assert.deepEqual(await received, sent);
  });
});

describe('stdio transport: when the output is written', () => {
  /** A stream that takes each write only when `release` is called, as a pipe the client has not read yet. */
  class HeldStream extends Writable {
    private held: (() => void)[] = [];
    constructor() {
      super({ highWaterMark: 16 });
    }
    override _write(_chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
      this.held.push(() => done());
    }
    release(): void {
      for (const done of this.held.splice(0)) done();
    }
  }
  const settledWithin = async (promise: Promise<void>, ms: number) => {
    let settled = false;
    void promise.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, ms));
    return settled;
  };

  it('resolves at once for a stream that holds nothing', async () => {
    assert.equal(await settledWithin(outputWritten(new HeldStream()), 5), true);
  });

  it('resolves once a long write has gone out, not before', async () => {
    const stream = new HeldStream();
    stream.write(Buffer.alloc(64 * 1024));
    const written = outputWritten(stream, 10_000);
    assert.equal(await settledWithin(written, 20), false, 'still held');
    stream.release();
    assert.equal(await settledWithin(written, 5), true, 'written');
  });

  it('gives up after its limit when no drain comes', async () => {
    const stream = new HeldStream();
    stream.write(Buffer.alloc(64 * 1024));
    assert.equal(await settledWithin(outputWritten(stream, 10), 40), true);
  });
});
