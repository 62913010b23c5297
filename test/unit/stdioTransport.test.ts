/**
 * The server's writer for `--stdio` (server/src/node/stdioTransport.ts): each message in one
 * write, framed so that vscode-jsonrpc's own reader, which every Node client uses, reads back
 * exactly what was sent, in order.
 */
import { strict as assert } from 'assert';
import { PassThrough, Writable } from 'stream';
import { StreamMessageReader, type Message, type NotificationMessage } from 'vscode-languageserver/node';
import { WholeMessageWriter } from '../../server/src/node/stdioTransport';

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
