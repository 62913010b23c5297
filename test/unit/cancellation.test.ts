/**
 * `$/cancelRequest` for the requests over the whole workspace (server/src/node/cancellation.ts):
 * a cancellation already on the pipe when the work starts, or written while it runs, is seen.
 * Over a real socket, read by vscode-jsonrpc as the server reads its stdin, so that the
 * cancellation comes in through the event loop's I/O phase as it does in the server.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type CancellationToken, type MessageConnection, type ResponseMessage } from 'vscode-languageserver/node';
import { cancellable } from '../../server/src/node/cancellation';

/** One JSON-RPC message as it goes on the wire. */
function frame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

interface Wire {
  /** The server's end, a vscode-jsonrpc connection. */
  readonly server: MessageConnection;
  /** Writes raw bytes from the client's end. */
  readonly send: (message: object) => void;
  /** The answer with this id, as the client's end reads it. */
  readonly answer: (id: number) => Promise<ResponseMessage>;
  readonly close: () => Promise<void>;
}

async function wire(): Promise<Wire> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-cancel-'));
  const socketPath = path.join(dir, 'rpc.sock');
  const accepted = new Promise<net.Socket>((resolve) => {
    const listener = net.createServer((socket) => {
      listener.close();
      resolve(socket);
    });
    listener.listen(socketPath);
  });
  const client = net.connect(socketPath);
  const serverSocket = await accepted;
  const server = createMessageConnection(new StreamMessageReader(serverSocket), new StreamMessageWriter(serverSocket));
  const answers = new Map<number, (answer: ResponseMessage) => void>();
  new StreamMessageReader(client).listen((message) => {
    const answer = message as ResponseMessage;
    if (typeof answer.id === 'number') answers.get(answer.id)?.(answer);
  });
  return {
    server,
    send: (message) => client.write(frame(message)),
    answer: (id) => new Promise((resolve) => answers.set(id, resolve)),
    close: async () => {
      server.dispose();
      client.destroy();
      serverSocket.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('cancellation of requests over the workspace', () => {
  let open: Wire | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });

  /** Serves `brief/work` with `handle`, asks it as request 1, and returns the answer. */
  async function ask(handle: (token: CancellationToken, cancelOnTheWire: () => void) => Promise<string>): Promise<ResponseMessage> {
    const w = (open = await wire());
    w.server.onRequest('brief/work', (_params: unknown, token: CancellationToken) => handle(token, () => w.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } })));
    w.server.listen();
    const answered = w.answer(1);
    w.send({ jsonrpc: '2.0', id: 1, method: 'brief/work', params: {} });
    return answered;
  }

  it('answers RequestCancelled, without doing the work, when the cancellation is on the pipe as the work starts', async () => {
    let worked = false;
    const answer = await ask((token, cancelOnTheWire) => {
      cancelOnTheWire();
      return cancellable(token, () => {
        worked = true;
        return 'the result';
      });
    });
    assert.equal(answer.error?.code, -32800, JSON.stringify(answer));
    assert.equal(worked, false, 'the work did not start');
  });

  it('answers RequestCancelled when the cancellation was written while the work ran', async () => {
    const answer = await ask((token, cancelOnTheWire) =>
      cancellable(token, () => {
        // The work runs without a turn of the event loop: the cancellation waits on the pipe, unread.
        cancelOnTheWire();
        return 'the result';
      }),
    );
    assert.equal(answer.error?.code, -32800, JSON.stringify(answer));
  });

  it('answers with the result when nothing cancels it', async () => {
    const answer = await ask((token) => cancellable(token, () => 'the result'));
    assert.equal(answer.result, 'the result');
  });
});
