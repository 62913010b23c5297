/**
 * Document links: each citation links into its source's YAML file. The source id opens the
 * source; each paragraph id (`p2`, and both ends of `p2-p4`) opens its paragraph. Targets carry
 * a `#L<line>` fragment (1-based), which VS Code opens at that line.
 */
import type { DocumentLink, Range } from 'vscode-languageserver-types';
import type { BriefSyntax } from '../syntax';
import type { Project } from '../project';
import type { SourceLocation } from '../kb/model';
import { lineRange } from '../text';

export class DocumentLinkProvider {
  /** Links for every citation whose source the KB has; a paragraph it lacks gets no link. */
  provideDocumentLinks(syntax: BriefSyntax, project: Project): DocumentLink[] {
    const links: DocumentLink[] = [];
    for (const citation of syntax.citations) {
      const source = project.resolver.kb.sources.get(citation.sourceId);
      if (!source) continue;
      links.push(link(citation.sourceRange, source.location, `${source.title} (${source.id})`));
      const part = citation.paragraphsRange;
      if (citation.paragraphs === undefined || !part) continue;
      // `p2-p4`: one link on `p2`, one on `p4`, each at its own columns.
      const ids = /^(p[1-9]\d*)(?:-(p[1-9]\d*))?$/.exec(citation.paragraphs);
      if (!ids) continue;
      const line = part.start.line;
      const spans: [string, number][] = [[ids[1], part.start.character]];
      if (ids[2]) spans.push([ids[2], part.start.character + ids[1].length + 1]);
      for (const [id, start] of spans) {
        const paragraph = source.passages.get(id);
        if (paragraph) links.push(link(lineRange(line, start, start + id.length), paragraph.location, `${source.id} ¶${id}`));
      }
    }
    return links;
  }
}

/** A link to the line of a KB location. */
function link(range: Range, target: SourceLocation, tooltip: string): DocumentLink {
  return { range, target: lineUri(target), tooltip: `Open ${tooltip}` };
}

/** `file:///…/source.yaml#L12`: the 1-based line of a location, as VS Code reads link fragments. */
export function lineUri(location: SourceLocation): string {
  const base = location.uri.replace(/#.*$/, '');
  return `${base}#L${location.range.start.line + 1}`;
}
