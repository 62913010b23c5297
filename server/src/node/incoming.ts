/**
 * What the server does with each incoming message before any handler sees it (vscode-jsonrpc's
 * message strategy): file URIs are put in one spelling (uris.ts); notifications that the protocol
 * says to drop are dropped. LSP drops every notification before `initialize` but `exit`; after
 * `shutdown` the server does no more work, so the same holds then; a `didOpen` without a text
 * would otherwise be an open document that fails every feature that reads it (workspace symbols
 * read all of them). A feature request whose params are not an object (`null`) gets them empty,
 * so that its handler answers InvalidParams for what is missing instead of failing inside the
 * protocol library.
 */
import type { Message, MessageStrategy, NotificationMessage, RequestMessage } from 'vscode-languageserver/node';
import type { Lifecycle } from './lifecycle';
import { canonicalizeParams } from './uris';

export function incomingMessages(lifecycle: () => Lifecycle | undefined, log: (message: string) => void): MessageStrategy {
  return {
    handleMessage(message, next) {
      if (isNotification(message) && !admitted(message, lifecycle(), log)) return;
      if (isFeatureRequest(message) && (typeof message.params !== 'object' || message.params === null)) message.params = {};
      canonicalizeParams((message as { params?: unknown }).params);
      return next(message);
    },
  };
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
