/**
 * The one factory that wires the core: parsing with a per-version cache, validation and the
 * editor features. The language server and brief-lint both go through it; it never sees the
 * JSON-RPC connection.
 */
import type { CompletionList, Diagnostic, Hover, Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseBrief } from './parser';
import type { BriefSyntax } from './syntax';
import type { Project } from './project';
import { validateBrief } from './validation';
import { HoverProvider } from './features/hover';
import { CompletionProvider } from './features/completion';

/** Brief's features over documents, for a project chosen per document. */
export interface LanguageService {
  /** The syntax tree of a document version (parsed once, then cached). */
  parse(document: TextDocument): BriefSyntax;
  validate(document: TextDocument, project: Project): Diagnostic[];
  hover(document: TextDocument, project: Project, position: Position): Hover | null;
  complete(document: TextDocument, project: Project, position: Position): CompletionList;
  /** Forgets a closed document's cached tree. */
  forget(uri: string): void;
}

/** The text of one line of a document, without its line break. */
export function lineText(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
}

export function createLanguageService(): LanguageService {
  const cache = new Map<string, { version: number; syntax: BriefSyntax }>();
  const hover = new HoverProvider();
  const completion = new CompletionProvider();
  const parse = (document: TextDocument): BriefSyntax => {
    const hit = cache.get(document.uri);
    if (hit && hit.version === document.version) return hit.syntax;
    const syntax = parseBrief(document.getText());
    cache.set(document.uri, { version: document.version, syntax });
    return syntax;
  };
  return {
    parse,
    validate: (document, project) => validateBrief(parse(document), project.resolver.kb, project.resolver, project.severities),
    hover: (document, project, position) => hover.provideHover(parse(document), project, position),
    complete: (document, project, position) => completion.provideCompletion(parse(document), (line) => lineText(document, line), project, position),
    forget: (uri) => void cache.delete(uri),
  };
}
