/**
 * What the server does with each incoming message before any handler sees it (vscode-jsonrpc's
 * message strategy): file URIs are put in one spelling (uris.ts); notifications that the protocol
 * says to drop are dropped. LSP drops every notification before `initialize` but `exit`; after
 * `shutdown` the server does no more work, so the same holds then; a `didOpen` without a text
 * would otherwise be an open document that fails every feature that reads it (workspace symbols
 * read all of them). A feature request whose params are not an object (`null`) gets them empty,
 * so that its handler answers InvalidParams for what is missing instead of failing inside the
 * protocol library.
 *
 * A request the lifecycle refuses (any request before `initialize`, a second `initialize`, one
 * without capabilities, anything after `shutdown`) is handed on as `OUT_OF_TURN`, which server.ts
 * answers with the error: the protocol library acts on `initialize` and `shutdown` before the
 * server's handlers run (it arms its parent-process watchdog with the `processId`, re-registers
 * its workspace-folder events, counts `shutdown` as received for the exit code), and answers an
 * unknown method with MethodNotFound where LSP asks for ServerNotInitialized or InvalidRequest.
 */
import type { Message, MessageStrategy, NotificationMessage, RequestMessage } from 'vscode-languageserver/node';
import type { Lifecycle } from './lifecycle';
import { canonicalizeParams } from './uris';

/** The method a refused request is handed on as; its params are the error to answer (`OutOfTurn`). */
export const OUT_OF_TURN = 'brief/outOfTurn';

/** The error a request out of turn is answered with. */
export interface OutOfTurn {
  readonly code: number;
  readonly message: string;
}

export function incomingMessages(lifecycle: () => Lifecycle | undefined, log: (message: string) => void): MessageStrategy {
  return {
    handleMessage(message, next) {
      if (isNotification(message) && !admitted(message, lifecycle(), log)) return;
      const refusal = isRequest(message) ? outOfTurn(message, lifecycle()) : undefined;
      if (refusal) return next({ ...(message as RequestMessage), method: OUT_OF_TURN, params: refusal } as RequestMessage);
      if (isFeatureRequest(message) && (typeof message.params !== 'object' || message.params === null)) message.params = {};
      canonicalizeParams((message as { params?: unknown }).params);
      return next(message);
    },
  };
}

/**
 * The error for a request the lifecycle refuses, or undefined for one in turn. An `initialize`
 * without the client's capabilities is refused too (the protocol library would fail on it inside),
 * and leaves room for a good one.
 */
function outOfTurn(message: RequestMessage, lifecycle: Lifecycle | undefined): OutOfTurn | undefined {
  if (!lifecycle) return undefined;
  const refused = message.method === 'initialize' ? lifecycle.initializeRefusal(message.params) : lifecycle.refusal(`'${message.method}'`);
  return refused && { code: refused.code, message: refused.message };
}

function isRequest(message: Message): message is RequestMessage {
  const { method, id } = message as RequestMessage;
  return typeof method === 'string' && id !== undefined && id !== null;
}

function isNotification(message: Message): message is NotificationMessage {
  return typeof (message as NotificationMessage).method === 'string' && (message as { id?: unknown }).id === undefined;
}

/** A request of a feature (`textDocument/hover`, `workspace/symbol`…): not `initialize` or `shutdown`, which take no object. */
function isFeatureRequest(message: Message): message is RequestMessage {
  const { method, id } = message as RequestMessage;
  return typeof method === 'string' && method.includes('/') && id !== undefined;
}

function admitted(message: NotificationMessage, lifecycle: Lifecycle | undefined, log: (message: string) => void): boolean {
  if (message.method === 'exit') return true;
  if (lifecycle && !lifecycle.initialized) {
    log(`Dropped '${message.method}': it came before 'initialize'.`);
    return false;
  }
  if (lifecycle && !lifecycle.running) {
    log(`Dropped '${message.method}': it came after 'shutdown'.`);
    return false;
  }
  if (message.method === 'textDocument/didOpen') {
    const document = (message.params as { textDocument?: { uri?: unknown; text?: unknown } } | undefined)?.textDocument;
    if (typeof document?.uri !== 'string' || typeof document.text !== 'string') {
      log("Dropped a 'textDocument/didOpen' without a document URI and text.");
      return false;
    }
  }
  return true;
}
