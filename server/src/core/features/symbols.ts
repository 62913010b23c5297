/**
 * Symbols. Document symbols: the outline of a brief, its headings nested by level and each claim
 * under the heading whose section holds it. Workspace symbols: KB entities and the headings of
 * every indexed brief, fuzzy matched on their normalised names. A query written as a reference
 * (`@csto`, `@[Xi Jinping]`) is matched as the name it holds.
 */
import { SymbolKind, type DocumentSymbol, type Range, type SymbolInformation } from 'vscode-languageserver-types';
import type { BriefSyntax, Claim, EntityReference } from '../syntax';
import type { EntityKind } from '../kinds';
import { normalizeName } from '../normalize';
import { compareAlphabetically, splitLines } from '../text';
import type { FolderScope } from '../workspaceIndex';
import { matchScore } from '../kb/nameScores';
import { entityPlace, KB_AS_LOADED, type KbFilesAsSeen } from './kbYaml';

/** More would only slow the editor's list down; the analyst narrows the query instead. */
const MAX_WORKSPACE_SYMBOLS = 200;

const KIND_SYMBOL: Record<EntityKind, SymbolKind> = {
  state: SymbolKind.Module,
  person: SymbolKind.Variable,
  group: SymbolKind.Class,
  organization: SymbolKind.Struct,
  initiative: SymbolKind.Function,
  place: SymbolKind.Package,
  facility: SymbolKind.Constant,
  event: SymbolKind.Event,
};

export class DocumentSymbolProvider {
  /** `text` gives the length of the last line, where the last section ends. */
  provideDocumentSymbols(syntax: BriefSyntax, text: string): DocumentSymbol[] {
    const lines = splitLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).texts;
    const docEnd = { line: lines.length - 1, character: lines[lines.length - 1].length };
    const roots: DocumentSymbol[] = [];
    // Open sections, outermost first; a section's range ends where the next heading of its level or higher starts.
    const open: { level: number; symbol: DocumentSymbol & { range: Range; children: DocumentSymbol[] } }[] = [];
    const claims = [...syntax.claims];
    let c = 0;
    const addClaimsBefore = (line: number) => {
      for (; c < claims.length && claims[c].range.start.line < line; c++) {
        (open.length > 0 ? open[open.length - 1].symbol.children : roots).push(claimSymbol(claims[c]));
      }
    };
    const close = (end: Range['end']) => {
      const section = open.pop();
      if (section) section.symbol.range = { start: section.symbol.range.start, end };
    };
    for (const h of syntax.headings) {
      addClaimsBefore(h.range.start.line);
      while (open.length > 0 && open[open.length - 1].level >= h.level) close({ line: h.range.start.line, character: 0 });
      const symbol = { name: h.text || '(untitled heading)', kind: SymbolKind.String, range: h.range, selectionRange: h.range, children: [] as DocumentSymbol[] };
      (open.length > 0 ? open[open.length - 1].symbol.children : roots).push(symbol);
      open.push({ level: h.level, symbol });
    }
    addClaimsBefore(Number.MAX_SAFE_INTEGER);
    while (open.length > 0) close(docEnd);
    return roots;
  }
}

function claimSymbol(claim: Claim): DocumentSymbol {
  const written = (r: EntityReference) => (r.form === 'bracket' ? `@[${r.name}]` : `@${r.name}`);
  const name = `${written(claim.subject)}${claim.negated ? ' not' : ''} ${claim.predicate} ${written(claim.object)}`;
  return { name, detail: 'claim', kind: SymbolKind.Boolean, range: claim.range, selectionRange: claim.range };
}

/** How many candidates are scored between two chances to stop (see `provideWorkspaceSymbolsAsync`). */
const SCORE_BATCH = 500;

export class WorkspaceSymbolProvider {
  /** Entities of every folder's KB (each once) and headings of every indexed brief, best match first. */
  provideWorkspaceSymbols(query: string, scopes: readonly FolderScope[], seen: KbFilesAsSeen = KB_AS_LOADED): SymbolInformation[] {
    const scored: Scored[] = [];
    for (const _batch of this.score(query, scopes, scored, seen));
    return best(scored);
  }

  /**
   * The same, pausing between batches: `pause` may wait (so that a cancellation can arrive over
   * a large workspace) and may throw to stop the work.
   */
  async provideWorkspaceSymbolsAsync(query: string, scopes: readonly FolderScope[], pause: () => Promise<void>, seen: KbFilesAsSeen = KB_AS_LOADED): Promise<SymbolInformation[]> {
    const scored: Scored[] = [];
    for (const _batch of this.score(query, scopes, scored, seen)) await pause();
    return best(scored);
  }

  /** Scores every candidate into `scored`, yielding after each batch. */
  private *score(query: string, scopes: readonly FolderScope[], scored: Scored[], kbFiles: KbFilesAsSeen): Generator<void> {
    const q = normalizeName(asName(query));
    const seen = new Set<string>();
    let count = 0;
    for (const { project, index } of scopes) {
      for (const entity of project.resolver.kb.entities.values()) {
        if (++count % SCORE_BATCH === 0) yield;
        const key = `${entity.location.uri}#${entity.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const score = Math.max(...[entity.id, entity.name, ...entity.aliases].map((label) => matchScore(q, normalizeName(label))));
        // An entry the analyst's text of its KB file no longer holds (unsaved edits) has nowhere to go.
        const location = score > 0 ? entityPlace(entity, kbFiles) : undefined;
        if (!location) continue;
        scored.push({ score, symbol: { name: entity.name, kind: KIND_SYMBOL[entity.kind], location, containerName: `${entity.kind} · @${entity.id}` } });
      }
      for (const { uri, heading } of index.headings()) {
        if (++count % SCORE_BATCH === 0) yield;
        const key = `${uri}#${heading.range.start.line}`;
        if (seen.has(key) || heading.text === '') continue;
        seen.add(key);
        const score = matchScore(q, normalizeName(heading.text));
        if (score <= 0) continue;
        scored.push({ score, symbol: { name: heading.text, kind: SymbolKind.String, location: { uri, range: heading.range }, containerName: fileName(uri) } });
      }
    }
  }
}

type Scored = { score: number; symbol: SymbolInformation };

/** The name a query written as a reference holds: `@csto` → `csto`, `@[Xi Jinping]` (or `@[Xi`, still being typed) → `Xi Jinping`. */
export function asName(query: string): string {
  const q = query.trim();
  if (q.startsWith('@[')) return q.slice(2).replace(/\]$/, '');
  return q.startsWith('@') ? q.slice(1) : q;
}

function best(scored: Scored[]): SymbolInformation[] {
  scored.sort((a, b) => b.score - a.score || compareAlphabetically(a.symbol.name, b.symbol.name));
  return scored.slice(0, MAX_WORKSPACE_SYMBOLS).map((s) => s.symbol);
}

/** The last segment of a uri, decoded: the brief's file name, to tell same-named headings apart. */
function fileName(uri: string): string {
  const last = uri.slice(uri.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
