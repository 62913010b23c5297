/**
 * `$/cancelRequest` for the requests over the whole workspace (find references, workspace
 * symbols): a cancellation that is already on the pipe when the work starts stops it, and a result
 * cancelled while it was computed is not sent.
 *
 * vscode-jsonrpc cancels a request's token when it reads the cancellation, but a handler that runs
 * to its end without giving the event loop a turn never sees it: the cancellation is still on the
 * pipe, unread, when the result goes out.
 */
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';

/** The answer to a cancelled request. */
export const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');

/**
 * Resolves once what waits on the pipe has been read and its first message handed to the
 * connection. Two turns of the event loop: in the first, its I/O phase reads the pipe (without
 * waiting, an immediate being due) and the reader hands the first message over in an immediate
 * queued after ours; the second comes after that. (The reader hands over one message a turn: a
 * cancellation behind other messages is seen by the check after the work, if by then.) A 1 ms
 * timer did this before, and waited for a cancellation still in transit too, at 2–3 ms of every
 * find-references: half of the answer for most entities (docs/performance.md, round 18).
 */
export function letMessagesIn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** `compute`'s result, unless `token` is cancelled before it starts or by the time it is done. */
export async function cancellable<T>(token: CancellationToken, compute: () => T | Promise<T>): Promise<T> {
  await letMessagesIn();
  if (token.isCancellationRequested) throw cancelled();
  const result = await compute();
  await letMessagesIn();
  if (token.isCancellationRequested) throw cancelled();
  return result;
}
