/**
 * Property-based tests (fast-check) over the parser and every provider of the core (issue 6):
 * for any text — random Unicode with astral characters, lone surrogates, NUL and control
 * characters, CR, LF and CRLF line ends, a BOM, long lines, and fragments of Brief syntax mixed
 * in — and any position, nothing throws, every range a feature returns lies inside the document
 * (line < lineCount, character ≤ the line's length in UTF-16 units, start ≤ end), parsing is
 * deterministic, and parsing a document edit by edit (the cache reuses the previous parse)
 * gives exactly the tree of a fresh parse.
 *
 * Run counts are bounded so that the file runs in well under 20 s. Set BRIEF_FC_SEED to replay
 * a failure with the seed fast-check printed, BRIEF_FC_SCALE=10 for a longer hunt.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Position, Range, WorkspaceEdit } from 'vscode-languageserver-types';
import { parseBrief } from '../../server/src/core/parser';
import { createLanguageService, type LanguageService } from '../../server/src/core/languageService';
import type { ProjectState } from '../../server/src/core/project';
import { WorkspaceIndex, type FolderScope } from '../../server/src/core/workspaceIndex';
import type { RenameInputs } from '../../server/src/core/features/rename';
import { stringify } from 'yaml';
import { loadProject } from '../../server/src/core/project';
import { MINI_DATA, miniProject, miniWorkspace, WORKSPACE } from '../helpers/fixtures';

/** markdown-it (a dependency of the markdown language service), typed here for the one call used. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(markdown: string): string };

const seed = process.env.BRIEF_FC_SEED ? Number(process.env.BRIEF_FC_SEED) : undefined;
/** BRIEF_FC_SCALE=10 runs ten times as many cases (a deeper hunt than the default suite's). */
const scale = Number(process.env.BRIEF_FC_SCALE ?? 1) || 1;
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns: Math.round(numRuns * scale), ...(seed !== undefined ? { seed } : {}) });

// ---- Arbitraries ----

/** Pieces of Brief syntax and of hostile text, glued together at random. */
const FRAGMENTS = [
  '@', '@[', ']', '[', '^', '[^', ':p', 'p1', '-p3', ':p2-p9', 'claim:', 'CLAIM: ', 'claim: ', 'not ', ' member-of ', ' borders ', ' leads ',
  '%%', '%% brief-disable-next-line ', '%% brief-disable unknown-reference', '%% brief-enable', 'brief-disable', '`', '``', '```', '~~~', '````\n',
  '---', '---\n', '#', '# ', '###### ', '####### ', '> ', '>', '- ', '* ', '1. ', '2) ', '\\@', '\\[', '\\', ' ', '  ', '\t',
  '\r', '\n', '\r\n', '\n\r', '\uFEFF', '\u0000', '\u0007', '\u001b', '\u2028', '\u00a0', '\uD800', '\uDC00', '\uDBFF\uDFFF', '😀', '𝒳', '👍🏽',
  'é', 'e\u0301', 'Zu\u0308rich', 'İ', 'ß', 'ﬃ', '٣', '中文',
  '@local-one', '@[Local One]', '@L1', 'claim: @[Local One] supports @Tajikistan', '@Tajikistan', '@[Xi Jinping]', '@CSTO', '@Georgia', '@Nobody', '@Tajikstan', '@[ETH Zürich]', '@U.S.', "@China's", '@Russia.', '@[]', '@[ ',
  '[^mini-2021]', '[^mini-2021:p2]', '[^mini-2021:p1-p3]', '[^nowhere:p1]', '[^mini-2021:', 'analyst@example.org',
  'title: x\n', 'sources: [mini-2021, nowhere]\n', 'tags: [a\n', 'date: 2021-02-30\n', 'classification: TLP:RED\n', ': ', ',', '.', '-', '_',
  'claim: @Uzbekistan member-of @CSTO', 'claim: @Tajikistan not member-of @CSTO [^mini-2021:p1]', '- claim: @Putin leads @Russia',
];

const fragment = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom('a', 'Tajik', 'istan', 'Xi', 'Jinping', 'x y', 'member', 'of', 'p') },
);

/** A brief built of fragments, sometimes behind a front matter or a BOM. */
const briefText = fc
  .tuple(fc.constantFrom('', '', '', '---\n', '---\ntitle: T\n', '\uFEFF', '\uFEFF---\ntitle: T\n---\n'), fc.array(fragment, { maxLength: 80 }))
  .map(([head, parts]) => head + parts.join(''));

/** Any string at all, code unit by code unit: lone surrogates, NUL, every control character. */
const anyText = fc.string({ unit: 'binary', maxLength: 300 });

/** Long lines: one line of thousands of characters, syntax sprinkled in. */
const longLine = fc
  .tuple(fc.array(fc.constantFrom('@', '@[', '[^', '`', '%', 'a', ' ', 'claim: ', '\\'), { minLength: 500, maxLength: 2000 }), fc.constantFrom('', '\n', '\r\n'))
  .map(([parts, end]) => parts.join('') + end);

/** YAML-ish pieces for a front matter: keys of §3.1, and the characters YAML gives a meaning to. */
const YAML_FRAGMENTS = [
  'title: ', 'author: ', 'date: ', 'tags: ', 'sources: ', 'classification: ', 'confidence: ', 'colour: ', 'x', 'T', '2021-09-17', 'mini-2021',
  '[', ']', '{', '}', ',', ':', ': ', '- ', '  ', '\t', '"', "'", '&a ', '*a', '!!str ', '!!js/function ', '|', '>', '#', '%YAML 1.2', '---', '...',
  '\n', '\r\n', '\u0000', '😀', '\uD800',
];
const frontMatterText = fc
  .tuple(fc.array(fc.constantFrom(...YAML_FRAGMENTS), { maxLength: 30 }), fc.constantFrom('\n---\n', '\n---', '\r\n---\r\n', '\n'), fc.array(fragment, { maxLength: 20 }))
  .map(([yaml, close, body]) => `---\n${yaml.join('')}${close}${body.join('')}`);

const documentText = fc.oneof(
  { weight: 6, arbitrary: briefText },
  { weight: 2, arbitrary: frontMatterText },
  { weight: 3, arbitrary: anyText },
  { weight: 1, arbitrary: longLine },
);

/** Raw positions, mapped onto a document by `positionsIn`. */
const rawPositions = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 9 })), { minLength: 1, maxLength: 6 });

// ---- The document as an oracle sees it ----

/** Line lengths in UTF-16 code units, with CR, LF and CRLF as line ends (as LSP counts them). */
function lineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.length);
}

/** Positions on the document: mostly valid ones, some past a line's end or past the last line. */
function positionsIn(lengths: readonly number[], raw: readonly [number, number, number][]): { valid: Position[]; invalid: Position[] } {
  const valid: Position[] = [];
  const invalid: Position[] = [];
  for (const [a, b, kind] of raw) {
    const line = a % lengths.length;
    if (kind === 0) invalid.push({ line: lengths.length + (a % 3), character: b % 5 });
    else if (kind === 1) invalid.push({ line, character: lengths[line] + 1 + (b % 3) });
    else valid.push({ line, character: b % (lengths[line] + 1) });
  }
  return { valid, invalid };
}

function assertPosition(p: Position, lengths: readonly number[], what: string): void {
  assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lengths.length, `${what}: line ${p.line} outside the ${lengths.length} lines`);
  assert.ok(
    Number.isInteger(p.character) && p.character >= 0 && p.character <= lengths[p.line],
    `${what}: character ${p.character} past the end of line ${p.line} (${lengths[p.line]} code units)`,
  );
}

function assertRange(r: Range, lengths: readonly number[], what: string): void {
  assertPosition(r.start, lengths, `${what} start`);
  assertPosition(r.end, lengths, `${what} end`);
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what}: start after end ${JSON.stringify(r)}`);
}

/** Every `{start, end}` range anywhere inside a value (the syntax tree, a feature's answer). */
function* rangesIn(value: unknown, path = ''): Generator<{ range: Range; path: string }> {
  if (value === null || typeof value !== 'object') return;
  if (isRange(value)) {
    yield { range: value, path };
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* rangesIn(value[i], `${path}[${i}]`);
    return;
  }
  for (const [k, v] of Object.entries(value)) yield* rangesIn(v, `${path}.${k}`);
}

function isRange(v: object): v is Range {
  const r = v as Partial<Range>;
  return typeof r.start?.line === 'number' && typeof r.start.character === 'number' && typeof r.end?.line === 'number' && typeof r.end.character === 'number';
}

/** The edits of a workspace edit that touch `uri`. */
function editsFor(edit: WorkspaceEdit | null | undefined, uri: string): { range: Range }[] {
  if (!edit) return [];
  const out: { range: Range }[] = [...(edit.changes?.[uri] ?? [])];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) {
      for (const e of change.edits) if ('range' in e) out.push(e);
    }
  }
  return out;
}

// ---- The properties ----

let state: ProjectState;
let version = 0;

/** How often each provider gave a non-empty answer: a property that never meets a hover proves little. */
const seen: Record<string, number> = {};
const count = (what: string, n: number | boolean) => {
  if (n) seen[what] = (seen[what] ?? 0) + 1;
};

/** A workspace KB file, so that rename (workspace entities only) and the KB features have something to act on. */
const LOCAL_KB_PATH = `${WORKSPACE}/kb/local.yaml`;
const LOCAL_KB = `entities:
  - id: local-one
    kind: group
    name: Local One
    aliases: [L1]
    summary: A local group, for rename.
    relations:
      - { type: supports, target: tajikistan, evidence: [ { source: mini-2021, paragraph: p1, quote: "Tajikistan" } ] }
`;

before(async () => {
  state = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/local.yaml]\n', [LOCAL_KB_PATH]: LOCAL_KB });
  assert.ok(state.project.resolver.kb.entities.has('local-one'), 'the workspace KB loaded');
});

const URI = `file://${WORKSPACE}/prop.brief`;

/** Every provider of the core, at every position given; checks every range each returns. */
function exerciseAll(language: LanguageService, text: string, raw: readonly [number, number, number][]): void {
  const doc = TextDocument.create(URI, 'brief', ++version, text);
  const lengths = lineLengths(text);
  assert.equal(doc.lineCount, lengths.length, 'the oracle counts lines as TextDocument does');
  const project = state.project;
  const index = new WorkspaceIndex();
  index.update(URI, text, doc.version);
  const scope: FolderScope = { project, index };

  const syntax = language.parse(doc);
  assert.equal(syntax.lineCount, lengths.length, 'lineCount');
  for (const { range, path } of rangesIn(syntax)) assertRange(range, lengths, `syntax${path}`);

  const diagnostics: Diagnostic[] = language.validate(doc, project);
  count('diagnostics', diagnostics.length);
  count('references in the tree', syntax.references.length);
  count('claims in the tree', syntax.claims.length);
  diagnostics.forEach((d, i) => assertRange(d.range, lengths, `diagnostic ${i} (${d.code})`));

  const whole: Range = { start: { line: 0, character: 0 }, end: { line: lengths.length - 1, character: lengths[lengths.length - 1] } };
  const checkAll = (value: unknown, what: string) => {
    for (const { range, path } of rangesIn(value)) assertRange(range, lengths, `${what}${path}`);
  };
  checkAll(language.documentSymbols(doc), 'documentSymbols');
  for (const f of language.foldingRanges(doc)) {
    assert.ok(f.startLine >= 0 && f.startLine <= f.endLine && f.endLine < lengths.length, `folding range ${JSON.stringify(f)}`);
  }
  checkAll(language.documentLinks(doc, project), 'documentLinks');
  for (const hint of language.inlayHints(doc, project, whole)) assertPosition(hint.position, lengths, 'inlay hint');
  const tokens = language.semanticTokens(doc, project).data;
  count('semantic tokens', tokens.length);
  assertTokens(tokens, lengths);
  assertTokens(language.semanticTokens(doc, project, whole).data, lengths);
  for (const s of language.workspaceSymbols('', [scope])) if (s.location.uri === URI) assertRange(s.location.range, lengths, 'workspace symbol');
  for (const s of language.workspaceSymbols(text.slice(0, 3), [scope])) if (s.location.uri === URI) assertRange(s.location.range, lengths, 'workspace symbol');
  for (const action of language.codeActions(doc, state, { diagnostics }, { toUri: (p) => `file://${p}` })) {
    for (const e of editsFor(action.edit, URI)) assertRange(e.range, lengths, `code action '${action.title}'`);
    for (const d of action.diagnostics ?? []) assertRange(d.range, lengths, `code action '${action.title}' diagnostic`);
  }

  const inputs: RenameInputs = {
    findReferences: (entity) => language.references(doc, scope, { line: 0, character: 0 }, true).filter(() => entity !== undefined),
    briefSyntax: (uri) => (uri === URI ? syntax : undefined),
    kbFiles: [{ uri: `file://${LOCAL_KB_PATH}`, text: LOCAL_KB }],
  };
  const { valid, invalid } = positionsIn(lengths, raw);
  for (const position of valid) {
    const at = `at ${position.line}:${position.character}`;
    const hover = language.hover(doc, project, position);
    count('hover', hover !== null);
    if (hover?.range) assertRange(hover.range, lengths, `hover ${at}`);
    if (hover) assert.equal(typeof (hover.contents as { value?: unknown }).value, 'string', `hover ${at} is markdown text`);
    const completion = language.complete(doc, project, position);
    count('completion', completion.items.length);
    for (const item of completion.items) {
      const edit = item.textEdit;
      if (edit && 'range' in edit) assertRange(edit.range, lengths, `completion '${item.label}' ${at}`);
      if (edit && 'insert' in edit) {
        assertRange(edit.insert, lengths, `completion '${item.label}' insert ${at}`);
        assertRange(edit.replace, lengths, `completion '${item.label}' replace ${at}`);
      }
      for (const e of item.additionalTextEdits ?? []) assertRange(e.range, lengths, `completion '${item.label}' additional edit ${at}`);
    }
    const definitions = language.definition(doc, project, position);
    count('definition', definitions.length);
    for (const link of definitions) {
      if (link.originSelectionRange) assertRange(link.originSelectionRange, lengths, `definition origin ${at}`);
      if (link.targetUri === URI) assertRange(link.targetRange, lengths, `definition target ${at}`);
    }
    for (const location of language.references(doc, scope, position, true)) {
      if (location.uri === URI) assertRange(location.range, lengths, `reference ${at}`);
    }
    const highlights = language.documentHighlights(doc, project, position);
    count('highlights', highlights.length);
    for (const h of highlights) assertRange(h.range, lengths, `highlight ${at}`);
    const prepared = language.prepareRename(doc, project, position);
    count('prepareRename', prepared !== null && 'range' in prepared);
    if (prepared && 'range' in prepared) {
      assertRange(prepared.range, lengths, `prepareRename ${at}`);
      const edit = language.rename(doc, project, position, 'renamed-entity', inputs);
      if (edit && ('changes' in edit || 'documentChanges' in edit)) {
        for (const e of editsFor(edit as WorkspaceEdit, URI)) assertRange(e.range, lengths, `rename edit ${at}`);
      }
    }
    const around: Range = { start: { line: position.line, character: 0 }, end: position };
    for (const hint of language.inlayHints(doc, project, around)) assertPosition(hint.position, lengths, `inlay hint in a range ${at}`);
  }
  // Positions a confused client might send: no throw is all that is asked.
  for (const position of invalid) {
    language.hover(doc, project, position);
    language.complete(doc, project, position);
    language.definition(doc, project, position);
    language.references(doc, scope, position, true);
    language.documentHighlights(doc, project, position);
    language.prepareRename(doc, project, position);
  }
  // KB-side features, at positions of a KB file of the mini data: no throw.
  const kbUri = [...project.resolver.kb.entities.values()][0]?.location.uri;
  if (kbUri) {
    for (const position of valid) language.kbReferences(kbUri, [scope], position, true);
    language.kbCodeLenses(kbUri, [scope]);
  }
}

/** Semantic tokens decode to ranges inside their lines. */
function assertTokens(data: readonly number[], lengths: readonly number[]): void {
  assert.equal(data.length % 5, 0, 'tokens come in fives');
  let line = 0;
  let start = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [deltaLine, deltaStart, length] = [data[i], data[i + 1], data[i + 2]];
    line += deltaLine;
    start = deltaLine === 0 ? start + deltaStart : deltaStart;
    assert.ok(line < lengths.length, `token ${i / 5} on line ${line} of ${lengths.length}`);
    assert.ok(length > 0 && start + length <= lengths[line], `token ${i / 5} at ${line}:${start}+${length} past the line's ${lengths[line]} code units`);
  }
}

describe('properties of the parser and every provider (fast-check)', function () {
  this.timeout(60_000);

  it('parsing any text never throws, and every range of the tree lies inside the document', () => {
    fc.assert(
      fc.property(documentText, (text) => {
        const syntax = parseBrief(text);
        const lengths = lineLengths(text);
        assert.equal(syntax.lineCount, lengths.length);
        for (const { range, path } of rangesIn(syntax)) assertRange(range, lengths, `syntax${path}`);
      }),
      params(5000),
    );
  });

  it('parsing is deterministic: the same text twice gives deep-equal trees', () => {
    fc.assert(
      fc.property(documentText, (text) => {
        assert.deepStrictEqual(parseBrief(text), parseBrief(text));
      }),
      params(1000),
    );
  });

  it('validation is deterministic, and independent of what the resolver cached before', () => {
    fc.assert(
      fc.property(fc.array(briefText, { minLength: 2, maxLength: 4 }), (texts) => {
        const shared = createLanguageService();
        for (const text of texts) {
          const doc = TextDocument.create(URI, 'brief', ++version, text);
          const fresh = createLanguageService().validate(TextDocument.create(URI, 'brief', 1, text), state.project);
          assert.deepStrictEqual(shared.validate(doc, state.project), fresh);
        }
      }),
      params(300),
    );
  });

  it('every provider, at any position: no throw, and every range inside the document', () => {
    const language = createLanguageService();
    fc.assert(
      fc.property(documentText, rawPositions, (text, raw) => exerciseAll(language, text, raw)),
      params(1500),
    );
    // The generated briefs must reach the interesting paths, or the property says little.
    for (const what of ['diagnostics', 'references in the tree', 'claims in the tree', 'hover', 'completion', 'definition', 'highlights', 'prepareRename', 'semantic tokens']) {
      assert.ok((seen[what] ?? 0) >= 5, `only ${seen[what] ?? 0} runs had a non-empty ${what}: ${JSON.stringify(seen)}`);
    }
  });

  it('a document parsed edit by edit (reusing the previous parse) equals a fresh parse of each version', () => {
    /** One edit: where (a fraction of the length), how much to delete, what to insert. */
    const edit = fc.tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.nat({ max: 6 }),
      fc.oneof({ weight: 5, arbitrary: fc.constantFrom('', 'a', ' ', '@', '@[', ']', '[^', ':p2', '`', '%%', 'claim: ', 'Tajik', '😀', '\uD800', '#', '-', '>') }, { weight: 1, arbitrary: fragment }),
    );
    fc.assert(
      fc.property(briefText, fc.array(edit, { minLength: 1, maxLength: 25 }), (start, edits) => {
        const language = createLanguageService();
        let text = start;
        let doc = TextDocument.create(URI, 'brief', 1, text);
        assert.deepStrictEqual(language.parse(doc), parseBrief(text));
        for (const [where, remove, insert] of edits) {
          const offset = Math.floor(where * text.length);
          const from = doc.positionAt(offset);
          const to = doc.positionAt(Math.min(text.length, offset + remove));
          doc = TextDocument.update(doc, [{ range: { start: from, end: to }, text: insert }], doc.version + 1);
          text = doc.getText();
          assert.deepStrictEqual(language.parse(doc), parseBrief(text), `after editing to ${JSON.stringify(text)}`);
        }
      }),
      params(1500),
    );
  });

  /**
   * KB text from a hostile workspace KB file, shown in a hover and in completion documentation,
   * rendered by the renderer most willing to make things live (raw HTML allowed, bare URLs
   * linked). `strict`: also no formatting at all from KB text, and every word shown as written.
   */
  const kbTextProperty = (strict: boolean) => async () => {
    const md = new MarkdownIt({ html: true, linkify: true });
    const HOSTILE = [
      '[link](command:workbench.action.terminal.new)', '[x](https://evil.example "t")', '![img](http://x/y.png)', '<img src=x onerror=alert(1)>',
      '<script>alert(1)</script>', '<a href="command:x">a</a>', '<iframe src=x>', '<!-- c -->', '<http://auto.example>', 'https://evil.example/p?q=1',
      'www.evil.example', 'mailto:a@b.example', 'evil@example.org', 'javascript:alert(1)', 'command:editor.action.x', '[ref]: http://x', '[ref]',
      '&lt;b&gt;', '&#60;b&#62;', '&amp;', '`code`', '``', '*em*', '_em_', '__strong__', '**strong**', '~~del~~', '# Heading', '> quote', '- item',
      '1. item', '+ item', '|a|b|', '\\', '\\*', '---', '===', '***', '$x$', '{=html}', '<', '>', '&', '(', ')', '[', ']', ':', ' ', '\n', '\n===', '\n---', '\n    indented', '\n\n', 'word', 'Zürich', '😀',
    ];
    /** Every fragment at once, and a setext underline: checked on every run, not left to chance. */
    const ALL = HOSTILE.join(' ');
    const hostile = fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 12 }).map((parts) => parts.join(' ').trim()).filter((t) => t.length > 0);
    // What the cards themselves use; without `strict`, any markdown formatting is tolerated, never a link, an image or HTML.
    const allowedTags = new Set(['p', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'br', 'hr', ...(strict ? [] : ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 's', 'del', 'table', 'thead', 'tbody', 'tr', 'th', 'td'])]);
    const visible = (html: string) =>
      html
        .replace(/<[^>]*>/g, ' ')
        .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/&amp;/g, '&')
        .replace(/\s+/g, ' ')
        .trim();
    const checkRendered = (markdown: string, shown: readonly string[], what: string) => {
      const html = md.render(markdown);
      for (const [, tag, attributes] of html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
        assert.ok(allowedTags.has(tag.toLowerCase()), `${what}: KB text rendered as <${tag}${attributes}>:\n${html}`);
        assert.equal(attributes.trim(), '', `${what}: an attribute in <${tag}${attributes}>`);
      }
      if (!strict) return;
      const text = visible(html);
      for (const s of shown) assert.ok(text.includes(s.replace(/\s+/g, ' ').trim()), `${what}: the words ${JSON.stringify(s)} do not show as written in:\n${html}`);
    };
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (summary, alias, fact) => {
        const kb = stringify({
          entities: [{ id: 'hostile-one', kind: 'group', name: 'Hostile One', aliases: [alias], summary, facts: [{ text: fact, evidence: [{ source: 'mini-2021', paragraph: 'p1', quote: 'Tajikistan' }] }] }],
        });
        const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/hostile.yaml]\n', [`${WORKSPACE}/kb/hostile.yaml`]: kb });
        const project = (await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true })).project;
        assert.ok(project.resolver.kb.entities.has('hostile-one'), `the KB loaded: ${kb}`);
        const language = createLanguageService();
        const doc = TextDocument.create(URI, 'brief', ++version, '@hostile-one and @hos');
        const hover = language.hover(doc, project, { line: 0, character: 3 });
        assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents, 'a markdown hover');
        checkRendered(hover.contents.value, [summary, fact], 'hover');
        for (const item of language.complete(doc, project, { line: 0, character: 21 }).items) {
          const docs = item.documentation;
          if (docs && typeof docs === 'object') checkRendered(docs.value, item.label === 'Hostile One' ? [summary] : [], `completion '${item.label}'`);
        }
      }),
      { ...params(150), examples: [[ALL, ALL, ALL], ['A summary\n===', 'alias', 'A fact.']] },
    );
  };

  it('KB text in hovers and completion documentation never renders as a link, an image, HTML or a command URI', kbTextProperty(false));
  it('KB text in hovers and completion documentation shows as written, with no formatting of its own', kbTextProperty(true));
});

