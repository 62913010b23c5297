/**
 * The server's end of `--stdio`, which every editor but VS Code starts it with.
 *
 * vscode-jsonrpc writes each message as two writes to stdout, its header and then, once the first
 * has gone, its body: the client is woken for a header it cannot use and again for the body, and
 * on a machine of two cores the server and the editor take turns for each. Brief hands the
 * header and the body to the stream together, which stdout's pipe sends in one `writev`
 * (measured with `bench/requestProbe.ts`: docs/performance.md, round 15). A long list (find
 * references to an entity mentioned in thousands of briefs: a megabyte of JSON) is serialised a
 * slice at a time into a buffer the writer keeps (`LongAnswerFrames`).
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
import { AbstractMessageWriter, Message, StreamMessageReader, type MessageReader, type MessageWriter, type ResponseMessage } from 'vscode-languageserver/node';

/**
 * How long the server waits, once stdin has closed, for the answers to the requests read before:
 * a client that sends `shutdown` on its way out, or a script that pipes a whole session in, gets
 * them; a request that never ends does not keep the process alive.
 */
const ANSWERS_AFTER_CLOSE_MS = 2000;

/** A response whose result is a list at least this long is framed by `LongAnswerFrames`. */
export const LONG_ANSWER_ITEMS = 512;
/** Items serialised at a time: a slice's JSON stays well under V8's large-object size (128 KiB). */
const ITEMS_PER_SLICE = 256;
/** Room before the body for its header, `Content-Length: ` and up to ten digits and `\r\n\r\n`. */
const HEADER_ROOM = 32;
/** The largest buffer the writer keeps for the next long answer, bytes; a larger one is let go once written. */
const KEPT_BYTES = 8 * 1024 * 1024;

/** A long answer's frame, in the buffer it was written into. */
interface LongFrame {
  readonly frame: Buffer;
  readonly buffer: Buffer;
}

/**
 * Frames for answers that are long lists. `JSON.stringify` of the whole answer builds it in parts,
 * joins them into one string of a megabyte, which V8 puts in fresh pages of its large-object
 * space, and `Buffer.from` copies that into fresh memory again: on a virtual machine where the
 * first touch of a page costs ~10 µs, about 10 ms of each such answer. Serialised a slice of items
 * at a time, the strings are small and short-lived, and the bytes go into a buffer kept from the
 * last long answer: the answer's first bytes reach the client 5–6 ms sooner (docs/performance.md,
 * round 18). The JSON is the same, byte for byte.
 */
export class LongAnswerFrames {
  /** The buffer of the last long answer, once the stream has taken it; one being written is not reused. */
  private spare: Buffer | undefined;

  /** `message`'s frame if it is a response whose result is a long list; otherwise undefined. */
  frame(message: Message): LongFrame | undefined {
    if (!Message.isResponse(message) || !isPlainResponse(message)) return undefined;
    const items = message.result;
    let buffer = this.spare;
    this.spare = undefined;
    let end = HEADER_ROOM;
    /** The buffer, with room for `bytes` more: a larger one if need be, with what is written so far. */
    const room = (bytes: number): Buffer => {
      if (buffer && end + bytes <= buffer.length) return buffer;
      const larger = Buffer.allocUnsafe(Math.max(2 * (buffer?.length ?? 0), end + bytes));
      buffer?.copy(larger, 0, 0, end);
      return (buffer = larger);
    };
    // UTF-8 takes at most three bytes for each UTF-16 unit (a surrogate pair: four for two).
    const put = (json: string) => (end += room(3 * json.length).write(json, end, 'utf8'));
    const opening = `{"jsonrpc":${JSON.stringify(message.jsonrpc)},"id":${JSON.stringify(message.id)},"result":[`;
    // Each slice is `[…]`: its items go in, after a comma from the second slice on.
    const first = JSON.stringify(items.slice(0, ITEMS_PER_SLICE));
    // The first slice tells about how long the whole list is: room for it at once, where growing
    // by doubling would copy it into fresh memory five times on its way to a megabyte.
    room(opening.length + Math.ceil((1.25 * first.length * items.length) / ITEMS_PER_SLICE));
    put(opening);
    put(first.slice(1, -1));
    for (let from = ITEMS_PER_SLICE; from < items.length; from += ITEMS_PER_SLICE) put(`,${JSON.stringify(items.slice(from, from + ITEMS_PER_SLICE)).slice(1, -1)}`);
    put(']}');
    const header = `Content-Length: ${end - HEADER_ROOM}\r\n\r\n`;
    const start = HEADER_ROOM - header.length;
    const written = room(0);
    written.write(header, start, 'latin1');
    return { frame: written.subarray(start, end), buffer: written };
  }

  /** The stream is done with `long`'s frame: its buffer serves the next long answer. */
  release(long: LongFrame): void {
    if (long.buffer.length <= KEPT_BYTES && (!this.spare || this.spare.length < long.buffer.length)) this.spare = long.buffer;
  }
}

/**
 * A response of exactly `jsonrpc`, `id` and a long list as `result`, as vscode-jsonrpc makes them,
 * in that order: what `LongAnswerFrames` writes as `JSON.stringify` would.
 */
function isPlainResponse(message: ResponseMessage): message is ResponseMessage & { result: unknown[] } {
  // The list's length first: every answer passes here, and nearly all are short.
  if (!Array.isArray(message.result) || message.result.length < LONG_ANSWER_ITEMS) return false;
  const keys = Object.keys(message);
  return keys.length === 3 && keys[0] === 'jsonrpc' && keys[1] === 'id' && keys[2] === 'result' && typeof (message.result as { toJSON?: unknown }).toJSON !== 'function';
}

/** Writes each message as one frame: `Content-Length: n\r\n\r\n` and the JSON body, in UTF-8. */
export class WholeMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;
  private readonly longAnswers = new LongAnswerFrames();

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
    return new Promise((resolve, reject) => {
      const long = this.longAnswers.frame(message);
      const done = (error?: Error | null) => {
        if (long) this.longAnswers.release(long);
        if (!error) {
          this.written(message);
          return resolve();
        }
        this.fireError(error, message, ++this.errors);
        reject(error);
      };
      if (long) return void this.stream.write(long.frame, done);
      const body = Buffer.from(JSON.stringify(message), 'utf8');
      // The header counts bytes, not characters: a name in Cyrillic or Devanagari takes two or three a letter.
      const header = Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii');
      // Corked, the two go out together: one `writev` on stdout's pipe, and neither is copied into
      // the other. The stream keeps writes in the order they are made: messages need no queue here.
      this.stream.cork();
      this.stream.write(header);
      this.stream.write(body, done);
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

/**
 * Resolves once `stream` has written everything handed to it (the collector waits for this
 * before its collection after an answer: collector.ts `afterAnswer`), or after `limitMs`: a stream
 * whose last write did not fill its buffer emits no 'drain', nor does one the client stopped
 * reading.
 */
export function outputWritten(stream: Writable, limitMs = 250): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stream.off('drain', done);
      resolve();
    };
    const timer = setTimeout(done, limitMs);
    stream.once('drain', done);
  });
}
