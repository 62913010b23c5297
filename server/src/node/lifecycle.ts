/**
 * Where a session is in the LSP lifecycle, and the answer the protocol asks for to a request
 * that comes out of turn: before `initialize` has been answered, `ServerNotInitialized`; after
 * `shutdown`, or a second `initialize`, `InvalidRequest`. Editors never do this; a client under
 * development, or a script driving the server, gets told what it did wrong instead of an empty
 * answer it might take for "nothing here".
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver';

export class Lifecycle {
  private phase: 'starting' | 'running' | 'shut down' = 'starting';

  /** `initialize` is being answered; a second one is refused. */
  initialize(): void {
    if (this.phase !== 'starting') throw this.alreadyInitialized();
    this.phase = 'running';
  }

  /**
   * The error for an `initialize` with these params, or undefined for one to answer: a second one
   * is refused, and so is one without the client's capabilities (which leaves room for a good one).
   */
  initializeRefusal(params: unknown): ResponseError<void> | undefined {
    if (this.phase !== 'starting') return this.alreadyInitialized();
    const capabilities = typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as { capabilities?: unknown }).capabilities : undefined;
    if (typeof capabilities !== 'object' || capabilities === null) return new ResponseError(ErrorCodes.InvalidParams, "'initialize' needs the client's 'capabilities'.");
    return undefined;
  }

  private alreadyInitialized(): ResponseError<void> {
    return new ResponseError(ErrorCodes.InvalidRequest, "The server has already been initialized: 'initialize' is sent once.");
  }

  /** Whether `initialize` has been answered: before it, notifications other than `exit` are dropped. */
  get initialized(): boolean {
    return this.phase !== 'starting';
  }

  /** Between `initialize` and `shutdown`: the only phase in which the server does any work. */
  get running(): boolean {
    return this.phase === 'running';
  }

  /** `shutdown` was received: no other request, not even a second `shutdown`, is answered after it. */
  shutDown(): void {
    this.admit("'shutdown'");
    this.phase = 'shut down';
  }

  /** Throws the protocol's error for a request (`what` it asks for, in words) that is out of turn. */
  admit(what: string): void {
    const refused = this.refusal(what);
    if (refused) throw refused;
  }

  /** The protocol's error for a request (`what` it asks for, in words) other than `initialize`, if it is out of turn. */
  refusal(what: string): ResponseError<void> | undefined {
    if (this.phase === 'running') return undefined;
    if (this.phase === 'starting') return new ResponseError(ErrorCodes.ServerNotInitialized, `No ${what} before 'initialize': the server is not initialized yet.`);
    return new ResponseError(ErrorCodes.InvalidRequest, `No ${what} after 'shutdown'.`);
  }
}
