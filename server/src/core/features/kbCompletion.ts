/**
 * Completion in a KB YAML file: the values the schema (spec §4.1) allows for the fields an
 * analyst fills in by hand. `kind:` takes an entity kind, `type:` a predicate, `target:` an
 * entity id (found by id, name or alias), `source:` a source id, `paragraph:` a passage of that
 * source (its body paragraphs and its captions, which evidence may quote), `negated:` a boolean.
 * Read from the cursor's line (block style, `kind: gr|`, and flow style, `{ source: carlson-2021,
 * paragraph: p| }`); the `source:` of a block evidence item is looked for on the item's lines above.
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type CompletionList, type Position } from 'vscode-languageserver-types';
import type { Project } from '../project';
import type { Source } from '../kb/model';
import { ENTITY_KINDS, PREDICATES } from '../kinds';
import { escapeMarkdown } from '../markdown';
import { normalizeName } from '../normalize';
import { lineRange } from '../text';
import { opening } from './completion';

/** At most this many entity ids are offered. */
const MAX_TARGETS = 50;

/** A schema field being filled in: a key this module completes, then `:` and the value so far. */
const FIELD = /(?:^[ \t]*|[{,][ \t]*|(?:^|[ \t])-[ \t]+)(kind|type|target|source|paragraph|negated)[ \t]*:([ \t]*)(["']?)([^\s"',{}[\]#]*)$/;

const EMPTY: CompletionList = { isIncomplete: false, items: [] };

export class KbCompletionProvider {
  /**
   * @param lineAt the text of a line of the file (the cursor's and those above it)
   * @param projects the projects the file belongs to: the first holds the ids offered first
   */
  provideCompletion(lineAt: (line: number) => string, position: Position, projects: readonly Project[]): CompletionList {
    const text = lineAt(position.line);
    const before = text.slice(0, position.character);
    const m = FIELD.exec(before);
    // Not inside a quoted string (`summary: "Tajik troops, kind: gr|"` is prose).
    if (!m || projects.length === 0 || insideQuotes(before.slice(0, m.index))) return EMPTY;
    const [, key, space, quote, typed] = m;
    // The value under the cursor is replaced whole: `kind: gr|oup` completes to `group`.
    const end = position.character + (/^[^\s"',{}[\]#]*/.exec(text.slice(position.character))?.[0].length ?? 0);
    const range = lineRange(position.line, position.character - typed.length, end);
    // Right after the `:` (which opens the list), with the space YAML needs: `kind:group` is no key.
    const lead = space === '' && quote === '' ? ' ' : '';
    const item = (label: string, more: Partial<CompletionItem> = {}): CompletionItem => ({ label, kind: CompletionItemKind.Value, textEdit: { range, newText: lead + label }, ...more });
    switch (key) {
      case 'kind':
        return { isIncomplete: false, items: ENTITY_KINDS.map((k) => item(k, { kind: CompletionItemKind.EnumMember })) };
      case 'type':
        return {
          isIncomplete: false,
          items: Object.entries(PREDICATES).map(([p, s]) => item(p, { kind: CompletionItemKind.EnumMember, labelDetails: { description: s.phrase }, detail: `${s.subject.join(' | ')} → ${s.object.join(' | ')}` })),
        };
      case 'negated':
        return { isIncomplete: false, items: ['true', 'false'].map((b) => item(b, { kind: CompletionItemKind.Keyword })) };
      case 'source':
        return { isIncomplete: false, items: [...sourcesOf(projects).values()].map((s) => item(s.id, { kind: CompletionItemKind.Reference, detail: `${s.title} — ${s.author}, ${s.year}` })) };
      case 'paragraph': {
        const source = sourcesOf(projects).get(sourceNamed(lineAt, position.line, text, position.character) ?? '');
        if (!source) return EMPTY;
        const passages = [...source.paragraphs, ...source.captions];
        return {
          isIncomplete: false,
          items: passages.map((p, i) =>
            item(p.id, {
              kind: CompletionItemKind.Reference,
              labelDetails: { description: opening(p.text) },
              documentation: { kind: MarkupKind.Markdown, value: `> ${escapeMarkdown(p.text.length > 400 ? `${p.text.slice(0, 400)}…` : p.text)}` },
              sortText: String(i).padStart(4, '0'),
            }),
          ),
        };
      }
      default:
        return targets(typed, projects, item);
    }
  }
}

/** Entities whose id, name or alias starts with (or has a word starting with) what was typed, by id. */
function targets(typed: string, projects: readonly Project[], item: (label: string, more?: Partial<CompletionItem>) => CompletionItem): CompletionList {
  const items: CompletionItem[] = [];
  const offered = new Set<string>();
  let more = false;
  for (const project of projects) {
    const names = project.resolver.kb.names();
    const found = names.complete(normalizeName(typed), MAX_TARGETS, true);
    more ||= found.more;
    for (const match of found.matches) {
      if (offered.has(match.id) || items.length >= MAX_TARGETS) continue;
      offered.add(match.id);
      const entity = names.entityAt(match.entity);
      // Sorted and filtered as listed: the client would otherwise re-rank ids by the typed text.
      items.push(
        item(entity.id, {
          kind: CompletionItemKind.Reference,
          labelDetails: { detail: ` (${entity.name})`, description: entity.kind },
          detail: entity.name,
          filterText: `${typed} ${entity.id}`,
          sortText: String(items.length).padStart(3, '0'),
        }),
      );
    }
  }
  // Always incomplete: a name or alias found `csto` for `Collec`, which the client's own filter of
  // the last list by the id would drop; it asks again at each keystroke instead.
  return { isIncomplete: true, items };
}

/** Whether text ends inside a quoted YAML string. */
function insideQuotes(text: string): boolean {
  let quote = '';
  for (const c of text) {
    if (quote === '' && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = '';
  }
  return quote !== '';
}

/** Every source the projects know, by id (the bundled sources are shared by all). */
function sourcesOf(projects: readonly Project[]): Map<string, Source> {
  const sources = new Map<string, Source>();
  for (const project of projects) for (const [id, source] of project.resolver.kb.sources) if (!sources.has(id)) sources.set(id, source);
  return sources;
}

/**
 * The source of the evidence item a `paragraph:` is written in: in the flow mapping `{ … }` that
 * holds the cursor, before or after it; else a `source:` key of the same block item on the lines
 * just above (the item's keys share one indentation, the first after its `- `).
 */
function sourceNamed(lineAt: (line: number) => string, line: number, text: string, character: number): string | undefined {
  const before = text.slice(0, character);
  const open = before.lastIndexOf('{');
  if (open > before.lastIndexOf('}')) {
    const close = text.indexOf('}', character);
    const mapping = text.slice(open, close < 0 ? text.length : close);
    return /[{,][ \t]*source[ \t]*:[ \t]*["']?([^\s"',{}[\]#]+)/.exec(mapping)?.[1];
  }
  // The item begins on the cursor's line: nothing above is in it.
  if (/^[ \t]*-[ \t]/.test(before)) return undefined;
  const indent = /^[ \t]*/.exec(before)?.[0].length ?? 0;
  for (let l = line - 1; l >= 0 && l >= line - 8; l--) {
    const text = lineAt(l);
    const m = /^([ \t]*(?:-[ \t]+)?)source[ \t]*:[ \t]*["']?([^\s"',{}[\]#]+)/.exec(text);
    if (m && m[1].length === indent) return m[2];
    // The item began on this line (its `- `), or a line less indented ended it.
    const lead = /^[ \t]*/.exec(text)?.[0].length ?? 0;
    if (text.trim() !== '' && (lead < indent - 2 || /^[ \t]*-[ \t]/.test(text))) return undefined;
  }
  return undefined;
}
