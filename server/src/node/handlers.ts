/**
 * The feature requests of the language server, each a thin call into the core's language
 * service. `onBrief` does the shared part once: find the open brief and its folder, check for
 * cancellation (answered with RequestCancelled), and answer a default instead of failing;
 * `onKbFile` the same for a KB YAML file open in the editor. Requests that show or take
 * positions in KB files get the KB files as the analyst sees them (kbFilesSeen.ts).
 */
import {
  ErrorCodes,
  LSPErrorCodes,
  MarkupContent,
  ResponseError,
  type DocumentSymbol,
  type Hover,
  type LocationLink,
  type SymbolInformation,
  type CancellationToken,
  type ClientCapabilities,
  type CodeActionContext,
  type Diagnostic,
  type Connection,
  type Position,
  type Range,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { COMPLETION_TRIGGERS } from '../core/features/completion';
import { CODE_ACTION_KINDS } from '../core/features/codeActions';
import { SEMANTIC_TOKENS_LEGEND } from '../core/features/semanticTokens';
import { kbStubTarget, SHOW_KB_ENTITY_COMMAND, type KbStubFiles } from '../core/features/kbStub';
import { linksToLocations } from '../core/features/definition';
import type { RenameInputs } from '../core/features/rename';
import type { InlayHintOptions } from '../core/features/inlayHints';
import { isBrief } from './openBriefIndex';
import type { Session } from './session';
import { uriToPath, type Folder } from './folders';
import { isInside, type Project } from '../core/project';
import type { KbFilesAsSeen } from '../core/features/kbYaml';
import type { WrittenEntry } from '../core/features/kbEntries';
import { KbFilesSeen } from './kbFilesSeen';
import { cancellable, cancelled, letMessagesIn } from './cancellation';
import { CompletionShaper, readableIn } from './completionForClient';
import { symbolsForClient } from './kindsForClient';

/** What the server offers; every entry has a handler below. */
export function serverCapabilities(): ServerCapabilities {
  return {
    hoverProvider: true,
    completionProvider: { triggerCharacters: COMPLETION_TRIGGERS, resolveProvider: true },
    definitionProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    documentSymbolProvider: true,
    workspaceSymbolProvider: true,
    foldingRangeProvider: true,
    documentLinkProvider: { resolveProvider: false },
    executeCommandProvider: { commands: [SHOW_KB_ENTITY_COMMAND] },
    codeLensProvider: { resolveProvider: false },
    codeActionProvider: { codeActionKinds: [...CODE_ACTION_KINDS] },
    renameProvider: { prepareProvider: true },
    inlayHintProvider: true,
    semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true },
  };
}

/** Client settings the handlers honour (`initializationOptions`). */
export interface HandlerOptions {
  readonly inlayHints: InlayHintOptions;
}

/** What every request on a document carries, as it may arrive: anything may be missing. */
type DocumentParams = { textDocument?: { uri?: unknown } } | undefined;

/** The document a request is about; a request without one is refused as the protocol says. */
function documentUri(params: DocumentParams): string {
  const uri = params?.textDocument?.uri;
  if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, "The request needs 'textDocument.uri'.");
  return uri;
}

/**
 * A request's position in a document, checked, and clamped as LSP says: a character past the end
 * of its line means the end of the line (and a line past the end, the end of the document).
 */
function at(document: TextDocument, position: { line?: unknown; character?: unknown } | undefined): Position {
  return document.positionAt(document.offsetAt(positionParam(position)));
}

/** Whether a value is an LSP position: a line and a character, whole numbers from 0. */
function isPosition(p: unknown): p is Position {
  const { line, character } = (p ?? {}) as { line?: unknown; character?: unknown };
  return Number.isInteger(line) && Number.isInteger(character) && (line as number) >= 0 && (character as number) >= 0;
}

/** A request's position, checked (see `at`, which also clamps it to a document). */
function positionParam(position: unknown): Position {
  if (!isPosition(position)) throw new ResponseError(ErrorCodes.InvalidParams, "The request needs a 'position' of a line and a character, whole numbers from 0.");
  return position;
}

/** Nested document symbols as the flat list of LSP's older form, in document order. */
function flatSymbols(uri: string, symbols: readonly DocumentSymbol[], container?: string): SymbolInformation[] {
  return symbols.flatMap((s) => [
    { name: s.name, kind: s.kind, location: { uri, range: s.range }, ...(container === undefined ? {} : { containerName: container }) },
    ...flatSymbols(uri, s.children ?? [], s.name),
  ]);
}

/** A request's range, checked like a position (see `at`); the range itself is not clamped here. */
function rangeParam(range: { start?: unknown; end?: unknown } | undefined): Range {
  if (!isPosition(range?.start) || !isPosition(range?.end)) throw new ResponseError(ErrorCodes.InvalidParams, "The request needs a 'range' of two positions.");
  return range as Range;
}

/** A code action request's context: the diagnostics at the range are what its quick fixes fix. */
function codeActionContext(context: { diagnostics?: unknown } | undefined): CodeActionContext {
  const diagnostics = context?.diagnostics;
  const isDiagnostic = (d: unknown) => typeof d === 'object' && d !== null && isPosition((d as Diagnostic).range?.start) && isPosition((d as Diagnostic).range?.end);
  if (!Array.isArray(diagnostics) || !diagnostics.every(isDiagnostic)) throw new ResponseError(ErrorCodes.InvalidParams, "The request needs a 'context' with a list of 'diagnostics'.");
  return context as CodeActionContext;
}

export function registerHandlers(connection: Connection, session: Session, client: () => ClientCapabilities, options: () => HandlerOptions): void {
  /**
   * Runs `run` on the open brief a request (`p`) is about, and its folder; answers `fallback` when
   * there is none. A request cancelled meanwhile gets RequestCancelled, not an empty answer: a
   * client that keeps a late answer would otherwise clear the brief's colours or outline, or
   * remember "no completions". The params are checked inside the answer, after the lifecycle's
   * turn: before `initialize` any request gets `ServerNotInitialized`, whatever its params.
   */
  const onBrief = <T>(p: DocumentParams, token: CancellationToken, fallback: T, what: string, run: (doc: TextDocument, folder: Folder) => T | Promise<T>): Promise<T> =>
    session.answer(what, fallback, async () => {
      const uri = documentUri(p);
      const open = session.documents.get(uri);
      if (!open || !isBrief(open)) return fallback;
      // The open document is updated in place by later edits: if one arrives while the folder
      // loads, answer on the text as it was when the request came (a copy made only then).
      const { version, languageId } = open;
      const text = open.getText();
      const folder = await session.folders.forUri(uri);
      if (token.isCancellationRequested) throw cancelled();
      const document = open.version === version ? open : TextDocument.create(uri, languageId, version, text);
      return run(document, folder);
    });
  const scopes = () => session.folders.loaded();
  const { service } = session;
  const kbFiles = new KbFilesSeen(session.documents, session.deps.workspace);

  /** The folders whose KB reads the file `uri` (a bundled file: every folder's; without folders, the fallback project's). */
  const kbFolders = async (uri: string): Promise<Folder[]> => {
    const reading = scopes().filter((f) => f.state.kbLoad.diagnostics.has(uri));
    if (reading.length > 0) return reading;
    const own = await session.folders.forUri(uri);
    return own.state.kbLoad.diagnostics.has(uri) ? [own] : [];
  };
  /** Runs `run` on a KB YAML file open in the editor: its entries as the editor has them, the projects of its folders. */
  const onKbFile = <T>(p: DocumentParams, token: CancellationToken, fallback: T, what: string, run: (doc: TextDocument, entries: readonly WrittenEntry[], projects: Project[], seen: KbFilesAsSeen) => T): Promise<T> =>
    session.answer(what, fallback, async () => {
      const uri = documentUri(p);
      const open = session.documents.get(uri);
      const folders = open && !isBrief(open) ? await kbFolders(uri) : [];
      if (!open || folders.length === 0) return fallback;
      const seen = await kbFiles.of(folders);
      const entries = await kbFiles.entriesNow(uri);
      if (token.isCancellationRequested) throw cancelled();
      return run(open, entries, folders.map((f) => f.project), seen);
    });
  /** Whether a request is on a document open in the editor that is not a brief (maybe a KB file). */
  const onYaml = (p: DocumentParams) => {
    const uri = p?.textDocument?.uri;
    const open = typeof uri === 'string' ? session.documents.get(uri) : undefined;
    return open !== undefined && !isBrief(open);
  };

  // Hovers are written in Markdown; a client that lists only plain text gets it.
  const hoverForClient = (hover: Hover | null) => {
    if (!hover || !MarkupContent.is(hover.contents)) return hover;
    const contents = readableIn(client().textDocument?.hover?.contentFormat, hover.contents);
    return contents === hover.contents ? hover : { ...hover, contents };
  };
  connection.onHover((p, token) =>
    onYaml(p)
      ? onKbFile(p, token, null, 'hover', (doc, entries, projects) => hoverForClient(service.kbHover(entries, projects, at(doc, p.position))))
      : onBrief(p, token, null, 'hover', (doc, f) => hoverForClient(service.hover(doc, f.project, at(doc, p.position)))),
  );
  const completions = new CompletionShaper(client);
  connection.onCompletion((p, token) =>
    onYaml(p)
      ? onKbFile(p, token, { isIncomplete: false, items: [] }, 'completion', (doc, _entries, projects) => completions.shape(service.kbComplete(doc, at(doc, p.position), projects)))
      : onBrief(p, token, { isIncomplete: false, items: [] }, 'completion', (doc, f) => completions.shape(service.complete(doc, f.project, at(doc, p.position)))),
  );
  connection.onCompletionResolve((item) => {
    if (typeof item !== 'object' || item === null) throw new ResponseError(ErrorCodes.InvalidParams, 'The request needs a completion item.');
    return session.answer('completion resolve', item, () => completions.resolve(item));
  });
  const linksForClient = (links: LocationLink[]) => (client().textDocument?.definition?.linkSupport ? links : linksToLocations(links));
  connection.onDefinition((p, token) =>
    onYaml(p)
      ? onKbFile(p, token, [], 'definition', (doc, entries, projects, seen) => linksForClient(service.kbDefinition(entries, projects, at(doc, p.position), seen)))
      : onBrief(p, token, [], 'definition', async (doc, f) => linksForClient(service.definition(doc, f.project, at(doc, p.position), await kbFiles.of([f])))),
  );
  connection.onReferences((p, token) =>
    session.answer('references', [], async () => {
      await session.openBriefs.sync();
      const document = session.documents.get(documentUri(p));
      if (document && isBrief(document)) {
        const folder = await session.folders.forUri(documentUri(p));
        const seen = await kbFiles.of([folder], [folder]);
        return cancellable(token, () => service.references(document, folder, at(document, p.position), p.context?.includeDeclaration === true, seen));
      }
      // Not a brief: a KB YAML file, whose entity entries have references in every folder.
      const position = positionParam(p.position);
      const seen = await kbFiles.of(scopes(), scopes());
      const isKbFile = scopes().some((f) => f.state.kbLoad.diagnostics.has(documentUri(p)));
      const entries = isKbFile ? await kbFiles.entriesNow(documentUri(p)) : [];
      return cancellable(token, () => service.kbReferences(documentUri(p), scopes(), position, p.context?.includeDeclaration === true, seen, entries));
    }),
  );
  connection.onDocumentHighlight((p, token) => onBrief(p, token, [], 'highlight', (doc, f) => service.documentHighlights(doc, f.project, at(doc, p.position))));
  connection.onDocumentSymbol((p, token) =>
    onBrief(p, token, [], 'document symbols', (doc) => {
      const symbols = service.documentSymbols(doc);
      const kinds = client().textDocument?.documentSymbol?.symbolKind?.valueSet;
      // A client without nested symbols gets them flat, each naming the heading it is under.
      return client().textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport ? symbolsForClient(symbols, kinds) : symbolsForClient(flatSymbols(doc.uri, symbols), kinds);
    }),
  );
  connection.onWorkspaceSymbol((p, token) =>
    session.answer('workspace symbols', [], async () => {
      if (typeof p.query !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, "The request needs a 'query' string.");
      await session.openBriefs.sync();
      // Over a large workspace this takes a while: it pauses now and then to see a cancellation.
      let last = Date.now();
      const pause = async () => {
        if (Date.now() - last < 10) return;
        await letMessagesIn();
        last = Date.now();
        if (token.isCancellationRequested) throw cancelled();
      };
      const searched = await session.folders.loadedOrFallback();
      const seen = await kbFiles.of(searched);
      const found = await cancellable(token, () => service.workspaceSymbolsAsync(p.query, searched, pause, seen));
      return symbolsForClient(found, client().workspace?.symbol?.symbolKind?.valueSet);
    }),
  );
  connection.onFoldingRanges((p, token) => onBrief(p, token, [], 'folding', (doc) => service.foldingRanges(doc)));
  connection.onDocumentLinks((p, token) => onBrief(p, token, [], 'document links', (doc, f) => service.documentLinks(doc, f.project)));
  connection.onCodeLens((p, token) =>
    session.answer('code lens', [], async () => {
      await session.openBriefs.sync();
      const seen = await kbFiles.of(scopes());
      if (token.isCancellationRequested) throw cancelled();
      return service.kbCodeLenses(documentUri(p), scopes(), seen);
    }),
  );

  connection.onCodeAction((p, token) =>
    onYaml(p)
      ? session.answer('code actions', [], () => {
          const doc = session.documents.get(documentUri(p));
          return doc ? service.dataFileCodeActions(doc, codeActionContext(p.context)) : [];
        })
      : onBrief(p, token, [], 'code actions', async (doc, f) => {
          rangeParam(p.range);
          const context = codeActionContext(p.context);
          // Only "Add … to the workspace KB" needs the KB and config files' texts; editors ask for
          // code actions at every move of the cursor, so they are read only when it can be offered.
          const canAdd = context.diagnostics.some((d) => d.code === 'unknown-reference');
          return service.codeActions(doc, f.state, context, canAdd ? await stubFiles(f) : undefined);
        }),
  );

  connection.onPrepareRename((p, token) =>
    onBrief(p, token, null, 'prepare rename', (doc, f) => {
      const answer = service.prepareRename(doc, f.project, at(doc, p.position));
      if (answer && 'error' in answer) throw new ResponseError(LSPErrorCodes.RequestFailed, answer.error);
      return answer;
    }),
  );
  connection.onRenameRequest((p, token) =>
    onBrief(p, token, null, 'rename', async (doc, f) => {
      const answer = service.rename(doc, f.project, at(doc, p.position), p.newName, await renameInputs(f));
      if (answer && 'error' in answer) throw new ResponseError(LSPErrorCodes.RequestFailed, answer.error);
      return answer;
    }),
  );

  connection.languages.inlayHint.on((p, token) => onBrief(p, token, [], 'inlay hints', (doc, f) => service.inlayHints(doc, f.project, rangeParam(p.range), options().inlayHints)));
  connection.languages.semanticTokens.on((p, token) => onBrief(p, token, { data: [] }, 'semantic tokens', (doc, f) => service.semanticTokens(doc, f.project)));
  connection.languages.semanticTokens.onRange((p, token) =>
    onBrief(p, token, { data: [] }, 'semantic tokens', (doc, f) => service.semanticTokens(doc, f.project, rangeParam(p.range))),
  );

  /** The text of a file as the analyst sees it: the open editor's, else the disk's. */
  async function currentText(path: string): Promise<string | undefined> {
    const open = session.documents.get(session.deps.workspace.toUri(path));
    return open ? open.getText() : session.deps.workspace.readFile(path);
  }

  /** Whether a file is open in the editor with a text other than the disk's. */
  async function unsaved(path: string): Promise<boolean> {
    const open = session.documents.get(session.deps.workspace.toUri(path));
    return open !== undefined && open.getText() !== (await session.deps.workspace.readFile(path));
  }

  /** The editor's version of a file, or null when it is not open there. */
  const openVersion = (path: string) => session.documents.get(session.deps.workspace.toUri(path))?.version ?? null;

  // The quick fix "Add … to the workspace KB" ends with this command: the KB file, shown at the
  // entity it added (found by its id in the file as it is now, after the edit).
  connection.onExecuteCommand((p) =>
    session.answer('command', null, async () => {
      const [uri, id] = Array.isArray(p.arguments) ? p.arguments : [];
      if (p.command !== SHOW_KB_ENTITY_COMMAND || typeof uri !== 'string' || typeof id !== 'string') {
        throw new ResponseError(ErrorCodes.InvalidParams, `Unknown command or arguments: '${String(p.command)}'.`);
      }
      // Only what its quick fix names: a YAML file in a workspace folder.
      const file = uriToPath(uri);
      if (file === undefined || !/\.ya?ml$/i.test(file) || !session.folders.paths.some((folder) => isInside(file, folder))) {
        throw new ResponseError(ErrorCodes.InvalidParams, `'${SHOW_KB_ENTITY_COMMAND}' shows a KB file of the workspace, not '${uri}'.`);
      }
      if (!client().window?.showDocument?.support) return null;
      const open = session.documents.get(uri);
      // On disk: a regular file whose real path is in a folder too (not a link out of it).
      const ws = session.deps.workspace;
      const real = open ? undefined : await ws.realPath(file);
      const realFolders = real === undefined ? [] : await Promise.all(session.folders.paths.map(async (folder) => (await ws.realPath(folder)) ?? folder));
      const text = open ? open.getText() : real !== undefined && realFolders.some((folder) => isInside(real, folder)) ? await ws.readFile(real) : undefined;
      if (text === undefined) throw new ResponseError(ErrorCodes.InvalidParams, `'${SHOW_KB_ENTITY_COMMAND}' shows a KB file of the workspace, and '${uri}' is none that can be read.`);
      const idOn = (line: string) => /^\s*-?\s*id:\s*["']?([^"'#\s]*)["']?\s*(?:#.*)?$/.exec(line)?.[1];
      const line = text.split(/\r\n?|\n/).findIndex((l) => idOn(l) === id);
      const at = { line: Math.max(line, 0), character: 0 };
      await connection.window.showDocument({ uri, takeFocus: true, selection: { start: at, end: at } });
      return null;
    }),
  );

  async function stubFiles(folder: Folder): Promise<KbStubFiles | undefined> {
    const target = kbStubTarget(folder.state);
    if (!target) return undefined;
    const edit = client().workspace?.workspaceEdit;
    return {
      kbText: await currentText(target.kbPath),
      configText: await currentText(target.configPath),
      kbVersion: openVersion(target.kbPath),
      kbUnsaved: await unsaved(target.kbPath),
      configVersion: openVersion(target.configPath),
      canShowDocument: client().window?.showDocument?.support === true,
      toUri: (path) => session.deps.workspace.toUri(path),
      canCreateFiles: edit?.documentChanges === true && (edit.resourceOperations ?? []).includes('create'),
      canUseDocumentChanges: edit?.documentChanges === true,
    };
  }

  async function renameInputs(folder: Folder): Promise<RenameInputs> {
    await session.openBriefs.sync();
    const kbFiles = [];
    for (const path of folder.state.workspaceKbFiles) {
      const text = await currentText(path);
      if (text !== undefined) kbFiles.push({ uri: session.deps.workspace.toUri(path), text });
    }
    const lines = new Map<string, readonly string[] | undefined>();
    return {
      findReferences: (entity) => folder.index.referencesTo(entity, folder.project.resolver.kb),
      briefSyntax: (uri) => folder.index.syntaxOf(uri),
      kbFiles,
      briefLine: (uri, line) => {
        if (!lines.has(uri)) {
          const open = session.documents.get(uri);
          const path = uriToPath(uri);
          const text = open ? open.getText() : path === undefined ? undefined : session.deps.workspace.readFileNow?.(path);
          // Columns are counted without a leading BOM, as the editor shows the text.
          lines.set(uri, text === undefined ? undefined : text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/));
        }
        return lines.get(uri)?.[line];
      },
    };
  }
}
