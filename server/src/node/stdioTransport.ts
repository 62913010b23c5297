/**
 * The server's end of `--stdio`, which every editor but VS Code starts it with.
 *
 * vscode-jsonrpc writes each message as two writes to stdout, its header and then, once the first
 * has gone, its body: the client is woken for a header it cannot use and again for the body, and
 * on a machine of two cores the server and the editor take turns for each. Brief hands the
 * header and the body to the stream together, which stdout's pipe sends in one `writev`
 * (measured with `bench/requestProbe.ts`: docs/performance.md, round 15).
 *
 * Given its own reader and writer, vscode-languageserver no longer does the two things it does for
 * `--stdio` itself, so they are done here: the server ends when the client closes stdin (0 after
 * `shutdown`, 1 otherwise, as the library does; but only once the requests read before are
 * answered, where the library ended at once), and nothing the server's code or a dependency
 * prints with `console` reaches stdout, where it would break the protocol (it goes to stderr,
 * which editors keep as the server's log).
 */
import { Console } from 'console';
import type { Writable } from 'stream';
import { AbstractMessageWriter, Message, StreamMessageReader, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';

/**
 * How long the server waits, once stdin has closed, for the answers to the requests read before:
 * a client that sends `shutdown` on its way out, or a script that pipes a whole session in, gets
 * them; a request that never ends does not keep the process alive.
 */
const ANSWERS_AFTER_CLOSE_MS = 2000;

/** Writes each message as one frame: `Content-Length: n\r\n\r\n` and the JSON body, in UTF-8. */
export class WholeMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  /** @param written called with each message once the stream has taken all of it */
  constructor(
    private readonly stream: Writable,
    private readonly written: (message: Message) => void = () => undefined,
  ) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    // The header counts bytes, not characters: a name in Cyrillic or Devanagari takes two or three a letter.
    const header = Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii');
    // Corked, the two go out together: one `writev` on stdout's pipe, and neither is copied into
    // the other. The stream keeps writes in the order they are made: messages need no queue here.
    return new Promise((resolve, reject) => {
      this.stream.cork();
      this.stream.write(header);
      this.stream.write(body, (error?: Error | null) => {
        if (!error) {
          this.written(message);
          return resolve();
        }
        this.fireError(error, message, ++this.errors);
        reject(error);
      });
      this.stream.uncork();
    });
  }

  end(): void {
    this.stream.end();
  }
}

/** What a stdio connection is made of. */
export interface StdioTransport {
  readonly reader: MessageReader;
  readonly writer: MessageWriter;
}

/**
 * The reader and writer over the process's stdin and stdout. `shutDown` says whether the client
 * has sent `shutdown`, for the exit code when stdin closes.
 */
export function stdioTransport(shutDown: () => boolean): StdioTransport {
  // Requests read and not answered yet, by id: the server ends when stdin closes, once these are out.
  const unanswered = new Set<number | string>();
  let delivered = 0;
  const reader = new StreamMessageReader(process.stdin);
  const writer = new WholeMessageWriter(process.stdout, (message) => {
    if (Message.isResponse(message) && message.id !== null) unanswered.delete(message.id);
  });
  let closing = false;
  const exitOnceAnswered = () => {
    if (closing) return;
    closing = true;
    const closed = performance.now();
    // The reader hands the messages it has read over one per turn of the event loop, after the
    // close is seen: it is done once a few turns pass without one.
    let seen = -1;
    let quietTurns = 0;
    const check = () => {
      if (delivered !== seen) [seen, quietTurns] = [delivered, 0];
      else quietTurns++;
      const drained = quietTurns >= 5;
      if ((drained && unanswered.size === 0) || performance.now() - closed >= ANSWERS_AFTER_CLOSE_MS) return process.exit(shutDown() ? 0 : 1);
      if (drained) setTimeout(check, 5);
      else setImmediate(check);
    };
    check();
  };
  process.stdin.on('end', exitOnceAnswered);
  process.stdin.on('close', exitOnceAnswered);
  // Every `console` method that would print to stdout (log, info, table, dir…) prints to stderr.
  // The console object itself is changed, not replaced: code that took it before the server
  // started, and `require('console')`, which is the same object, print to stderr too.
  const toStderr = new Console({ stdout: process.stderr, stderr: process.stderr });
  Object.assign(console, Object.fromEntries(Object.entries(toStderr).filter(([, method]) => typeof method === 'function')));
  return {
    reader: {
      onError: reader.onError,
      onClose: reader.onClose,
      onPartialMessage: reader.onPartialMessage,
      listen: (callback) =>
        reader.listen((message) => {
          delivered++;
          if (Message.isRequest(message) && message.id !== null) unanswered.add(message.id);
          callback(message);
        }),
      dispose: () => reader.dispose(),
    },
    writer,
  };
}
