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
      if (isInitialize(message)) withCapabilities(message);
      canonicalizeParams((message as { params?: unknown }).params);
      return next(message);
    },
  };
}

/** `initialize` params that came without the client's capabilities: the server refuses them (server.ts). */
const noCapabilities = new WeakSet<object>();

export function cameWithoutCapabilities(params: unknown): boolean {
  return typeof params === 'object' && params !== null && noCapabilities.has(params);
}

function isInitialize(message: Message): message is RequestMessage {
  return (message as RequestMessage).method === 'initialize' && (message as RequestMessage).id !== undefined;
}

/**
 * The protocol library reads an `initialize`'s capabilities before the server's handler runs,
 * and fails inside on params without them: they get empty ones, marked, so that the handler
 * answers InvalidParams and a good `initialize` can follow.
 */
function withCapabilities(message: RequestMessage): void {
  const params = (typeof message.params === 'object' && message.params !== null && !Array.isArray(message.params) ? message.params : {}) as { capabilities?: unknown };
  if (typeof params.capabilities === 'object' && params.capabilities !== null) return;
  const marked = { ...params, capabilities: {} };
  noCapabilities.add(marked);
  message.params = marked;
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
