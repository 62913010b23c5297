/**
 * Citations as places to navigate, as footnotes are in Markdown tools: with the cursor on
 * `[^carlson-2021:p13]`, find references lists every citation of the workspace's briefs that
 * cites p13 of that source (`p13`, or a range such as `p12-p14` that holds it), and document
 * highlight marks them in the brief. On a citation of the whole source (`[^carlson-2021]`),
 * every citation of that source.
 */
import { DocumentHighlightKind, type DocumentHighlight, type Location, type Position } from 'vscode-languageserver-types';
import { Citation, spanAt, type BriefSyntax } from '../syntax';
import type { WorkspaceIndex } from '../workspaceIndex';

/** The paragraphs a citation names, as numbers from and to; undefined for the whole source. */
type Span = readonly [number, number] | undefined;

function spanOf(citation: Citation): Span | 'unreadable' {
  if (citation.paragraphs === undefined) return undefined;
  const m = /^p(\d+)(?:-p(\d+))?$/.exec(citation.paragraphs);
  return m ? [Number(m[1]), Number(m[2] ?? m[1])] : 'unreadable';
}

/** Whether `other` cites what `cited` does: the same source, and from a paragraph citation one of its paragraphs. */
function citesTheSame(cited: Citation, other: Citation): boolean {
  if (other.sourceId !== cited.sourceId) return false;
  const want = spanOf(cited);
  if (want === undefined) return true;
  const have = spanOf(other);
  if (want === 'unreadable' || have === 'unreadable') return want === have && other.paragraphs === cited.paragraphs;
  return have !== undefined && have[0] <= want[1] && want[0] <= have[1];
}

/** The citation under the cursor, if that is what is there. */
export function citationAt(syntax: BriefSyntax, position: Position): Citation | undefined {
  const span = spanAt(syntax, position);
  return span instanceof Citation ? span : undefined;
}

export function citationHighlights(syntax: BriefSyntax, cited: Citation): DocumentHighlight[] {
  return syntax.citations.filter((c) => citesTheSame(cited, c)).map((c) => ({ range: c.range, kind: DocumentHighlightKind.Text }));
}

/**
 * The citations of `cited`'s passages in this brief (from `syntax`, newer than the index) and in
 * the other briefs of the index. The index keeps texts, not citations: only the briefs whose text
 * names the source are parsed.
 */
export function citationReferences(uri: string, syntax: BriefSyntax, index: WorkspaceIndex, cited: Citation): Location[] {
  const own = syntax.citations.filter((c) => citesTheSame(cited, c)).map((c) => ({ uri, range: c.range }));
  const others: Location[] = [];
  const mark = `[^${cited.sourceId}`;
  for (const other of index.uris()) {
    if (other === uri || !index.get(other)?.text.includes(mark)) continue;
    for (const c of index.syntaxOf(other)?.citations ?? []) if (citesTheSame(cited, c)) others.push({ uri: other, range: c.range });
  }
  return [...own, ...others];
}
