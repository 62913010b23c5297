/**
 * The one factory that wires the core: parsing with a per-version cache, validation and the
 * editor features. The language server and brief-lint both go through it; it never sees the
 * JSON-RPC connection.
 */
import type {
  CodeAction,
  CodeActionContext,
  CodeLens,
  CompletionList,
  Diagnostic,
  DocumentHighlight,
  DocumentLink,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InlayHint,
  Location,
  LocationLink,
  Position,
  Range,
  SemanticTokens,
  SymbolInformation,
  WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseText, reparseText, type ParsedText } from './parser';
import type { BriefSyntax } from './syntax';
import type { Project, ProjectState } from './project';
import type { FolderScope } from './workspaceIndex';
import { validateBrief } from './validation';
import { HoverProvider } from './features/hover';
import { CompletionProvider } from './features/completion';
import { DefinitionProvider } from './features/definition';
import { KbReferencesProvider, ReferencesProvider } from './features/references';
import { KbTargetProvider } from './features/kbTargets';
import { KbCompletionProvider } from './features/kbCompletion';
import { dataFileFixes } from './features/dataFileFixes';
import type { KbFilesAsSeen } from './features/kbYaml';
import type { WrittenEntry } from './features/kbEntries';
import { DocumentHighlightProvider } from './features/documentHighlight';
import { DocumentSymbolProvider, WorkspaceSymbolProvider } from './features/symbols';
import { FoldingProvider } from './features/folding';
import { DocumentLinkProvider } from './features/documentLinks';
import { CodeLensProvider } from './features/codeLens';
import { CodeActionProvider } from './features/codeActions';
import type { KbStubFiles } from './features/kbStub';
import { RenameProvider, type RenameInputs, type RenameRefusal } from './features/rename';
import { InlayHintProvider, type InlayHintOptions } from './features/inlayHints';
import { SemanticTokensProvider } from './features/semanticTokens';
import { documentLines } from './features/referenceText';

/** Brief's features over documents, for a project (or a folder scope) chosen per document. */
export interface LanguageService {
  /** The syntax tree of a document version (parsed once, then cached). */
  parse(document: TextDocument): BriefSyntax;
  validate(document: TextDocument, project: Project): Diagnostic[];
  /** Validates an already parsed brief (one of the workspace index, not open in the editor). */
  validateSyntax(syntax: BriefSyntax, project: Project): Diagnostic[];
  hover(document: TextDocument, project: Project, position: Position): Hover | null;
  complete(document: TextDocument, project: Project, position: Position): CompletionList;
  /** `seen`, here and below: the KB files as the analyst sees them, where KB positions are taken (kbYaml.ts); as loaded when absent. */
  definition(document: TextDocument, project: Project, position: Position, seen?: KbFilesAsSeen): LocationLink[];
  references(document: TextDocument, scope: FolderScope, position: Position, includeDeclaration: boolean, seen?: KbFilesAsSeen): Location[];
  /** References from a position in a KB YAML file (an entity's entry, or a `target:` value among `entries`, those of the file's text). */
  kbReferences(uri: string, scopes: readonly FolderScope[], position: Position, includeDeclaration: boolean, seen?: KbFilesAsSeen, entries?: readonly WrittenEntry[]): Location[];
  /** Definition and hover on a `target:` value of a KB YAML file whose text has `entries`. */
  kbDefinition(entries: readonly WrittenEntry[], projects: readonly Project[], position: Position, seen: KbFilesAsSeen): LocationLink[];
  kbHover(entries: readonly WrittenEntry[], projects: readonly Project[], position: Position): Hover | null;
  /** Completion of a KB YAML file's field values (`kind:`, `type:`, `target:`, `source:`, `paragraph:`, `negated:`). */
  kbComplete(document: TextDocument, position: Position, projects: readonly Project[]): CompletionList;
  documentHighlights(document: TextDocument, project: Project, position: Position): DocumentHighlight[];
  documentSymbols(document: TextDocument): DocumentSymbol[];
  workspaceSymbols(query: string, scopes: readonly FolderScope[], seen?: KbFilesAsSeen): SymbolInformation[];
  /** The same, calling `pause` between batches (it may wait, or throw to stop: cancellation). */
  workspaceSymbolsAsync(query: string, scopes: readonly FolderScope[], pause: () => Promise<void>, seen?: KbFilesAsSeen): Promise<SymbolInformation[]>;
  foldingRanges(document: TextDocument): FoldingRange[];
  documentLinks(document: TextDocument, project: Project): DocumentLink[];
  /** "N mentions in M briefs" on each entity of a KB YAML file. */
  kbCodeLenses(uri: string, scopes: readonly FolderScope[], seen?: KbFilesAsSeen): CodeLens[];
  codeActions(document: TextDocument, state: ProjectState, context: CodeActionContext, stubFiles?: KbStubFiles): CodeAction[];
  /** Quick fixes in `.briefrc.yaml` and KB YAML files: the replacement each diagnostic proposes. */
  dataFileCodeActions(document: TextDocument, context: CodeActionContext): CodeAction[];
  prepareRename(document: TextDocument, project: Project, position: Position): { range: Range; placeholder: string } | RenameRefusal | null;
  rename(document: TextDocument, project: Project, position: Position, newName: string, inputs: RenameInputs): WorkspaceEdit | RenameRefusal | null;
  inlayHints(document: TextDocument, project: Project, range: Range, options?: InlayHintOptions): InlayHint[];
  semanticTokens(document: TextDocument, project: Project, range?: Range): SemanticTokens;
  /** Forgets a closed document's cached tree. */
  forget(uri: string): void;
}

/**
 * The context with each of Brief's diagnostics carrying its `data`, which the quick fixes read. A
 * client keeps a diagnostic's `data` for the code action request only when it says so
 * (`publishDiagnostics.dataSupport`); one that does not gets it back from the current text's
 * diagnostics (the same rule at the same range), which validation keeps for the parsed text. A
 * diagnostic the text no longer has (the client's is older) stays without: its fixes check what
 * the range holds now.
 */
function withDiagnosticData(context: CodeActionContext, current: () => readonly Diagnostic[]): CodeActionContext {
  if (!context.diagnostics.some((d) => d.data === undefined && d.source === 'brief')) return context;
  const fresh = current();
  const key = (d: Diagnostic) => `${String(d.code)}\u0000${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;
  const byKey = new Map(fresh.filter((d) => d.data !== undefined).map((d) => [key(d), d.data]));
  const diagnostics = context.diagnostics.map((d) => {
    const data = d.data === undefined && d.source === 'brief' ? byKey.get(key(d)) : undefined;
    return data === undefined ? d : { ...d, data };
  });
  return { ...context, diagnostics };
}

/** The text of one line of a document, without its line break. */
export function lineText(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
}

export function createLanguageService(): LanguageService {
  // One parse per document version; a new version starts from the previous one (reparseText).
  const cache = new Map<string, { version: number; parsed: ParsedText }>();
  const parse = (document: TextDocument): BriefSyntax => {
    const hit = cache.get(document.uri);
    if (hit && hit.version === document.version) return hit.parsed.syntax;
    const parsed = hit ? reparseText(hit.parsed, document.getText()) : parseText(document.getText());
    cache.set(document.uri, { version: document.version, parsed });
    return parsed.syntax;
  };
  const hover = new HoverProvider();
  const completion = new CompletionProvider();
  const definition = new DefinitionProvider();
  const references = new ReferencesProvider();
  const kbReferences = new KbReferencesProvider();
  const kbTargets = new KbTargetProvider();
  const kbCompletion = new KbCompletionProvider();
  const highlights = new DocumentHighlightProvider();
  const documentSymbols = new DocumentSymbolProvider();
  const workspaceSymbols = new WorkspaceSymbolProvider();
  const folding = new FoldingProvider();
  const links = new DocumentLinkProvider();
  const codeLenses = new CodeLensProvider();
  const codeActions = new CodeActionProvider();
  const rename = new RenameProvider();
  const inlayHints = new InlayHintProvider();
  const tokens = new SemanticTokensProvider();
  return {
    parse,
    validate: (document, project) => validateBrief(parse(document), project.resolver.kb, project.resolver, project.severities),
    validateSyntax: (syntax, project) => validateBrief(syntax, project.resolver.kb, project.resolver, project.severities),
    hover: (document, project, position) => hover.provideHover(parse(document), project, position),
    complete: (document, project, position) => completion.provideCompletion(parse(document), (line) => lineText(document, line), project, position),
    definition: (document, project, position, seen) => definition.provideDefinition(parse(document), project, position, seen),
    references: (document, scope, position, includeDeclaration, seen) => references.provideReferences(document.uri, parse(document), scope, position, includeDeclaration, seen),
    kbReferences: (uri, scopes, position, includeDeclaration, seen, entries) => kbReferences.provideKbReferences(uri, scopes, position, includeDeclaration, seen, entries),
    kbDefinition: (entries, projects, position, seen) => kbTargets.provideDefinition(entries, projects, position, seen),
    kbHover: (entries, projects, position) => kbTargets.provideHover(entries, projects, position),
    kbComplete: (document, position, projects) => kbCompletion.provideCompletion((line) => lineText(document, line), position, projects),
    documentHighlights: (document, project, position) => highlights.provideDocumentHighlights(parse(document), project, position),
    documentSymbols: (document) => documentSymbols.provideDocumentSymbols(parse(document), document.getText()),
    workspaceSymbols: (query, scopes, seen) => workspaceSymbols.provideWorkspaceSymbols(query, scopes, seen),
    workspaceSymbolsAsync: (query, scopes, pause, seen) => workspaceSymbols.provideWorkspaceSymbolsAsync(query, scopes, pause, seen),
    foldingRanges: (document) => folding.provideFoldingRanges(parse(document), document.getText()),
    documentLinks: (document, project) => links.provideDocumentLinks(parse(document), project),
    kbCodeLenses: (uri, scopes, seen) => codeLenses.provideCodeLenses(uri, scopes, seen),
    codeActions: (document, state, context, stubFiles) => {
      const syntax = parse(document);
      return codeActions.provideCodeActions(document, syntax, state, withDiagnosticData(context, () => validateBrief(syntax, state.project.resolver.kb, state.project.resolver, state.project.severities)), stubFiles);
    },
    dataFileCodeActions: (document, context) => dataFileFixes(document, context),
    prepareRename: (document, project, position) => rename.prepareRename(parse(document), project, position),
    rename: (document, project, position, newName, inputs) => rename.provideRename(document, parse(document), project, position, newName, inputs),
    inlayHints: (document, project, range, options) => inlayHints.provideInlayHints(parse(document), project, range, options),
    semanticTokens: (document, project, range) => tokens.provideSemanticTokens(parse(document), documentLines(document.getText()), project, range),
    forget: (uri) => void cache.delete(uri),
  };
}
