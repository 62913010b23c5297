/**
 * Hostile KB and config files (issue 6): syntax errors, wrong types everywhere in the schema,
 * duplicate ids, part-of cycles, an alias bomb, deep nesting, language-specific YAML tags, a
 * 20 MB file, and `.briefrc.yaml` paths that try to leave the workspace folder.
 *
 * Each must give a clear diagnostic on the file itself (a known code, a message an analyst can
 * read), keep the last good KB, keep memory bounded, execute nothing, and read nothing outside
 * the workspace folder and the bundled data.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { stringify } from 'yaml';
import type { Diagnostic } from 'vscode-languageserver-types';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { loadKnowledgeBase, type KbLoadResult } from '../../server/src/core/kb/knowledgeBase';
import { relativeUri } from '../../server/src/core/kb/fileNames';
import { parseConfig } from '../../server/src/core/config';
import { loadProject, type ProjectState } from '../../server/src/core/project';
import { parseBrief } from '../../server/src/core/parser';
import { brief, MINI_DATA, miniWorkspace, service, WORKSPACE } from '../helpers/fixtures';
import { REPO_ROOT, type MemoryWorkspace } from '../helpers/memoryWorkspace';
import { NodeWorkspace } from '../../server/src/node/nodeWorkspace';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const KB_URI = 'file:///ws/kb.yaml';
const SOURCE_URI = 'file:///data/sources/src.yaml';

const SOURCE_DOC = {
  id: 'src',
  title: 'T',
  author: 'A',
  publisher: 'P',
  year: 2021,
  paragraphs: [{ id: 'p1', section: 'S', text: 'Alpha borders Beta along a long line.' }],
};
const SOURCE = stringify(SOURCE_DOC);

/** A KB document that uses every key of the entity schema, and loads clean. */
const GOOD_DOC = {
  entities: [
    {
      id: 'alpha',
      kind: 'state',
      name: 'Alpha',
      aliases: ['Alpha Land'],
      summary: 'The first state.',
      identifiers: { iso2: 'AL', iso3: 'ALP', wikidata: 'Q1' },
      relations: [
        {
          type: 'borders',
          target: 'beta',
          negated: false,
          since: '2020',
          until: '2021-05',
          evidence: [{ source: 'src', paragraph: 'p1', quote: 'Alpha borders Beta' }],
        },
      ],
      facts: [{ text: 'It has a long border.', evidence: [{ source: 'src', paragraph: 'p1', quote: 'a long line' }] }],
    },
    { id: 'beta', kind: 'state', name: 'Beta', summary: 'The second state.' },
  ],
};
const GOOD = stringify(GOOD_DOC);

function load(kbText: string, previous?: KbLoadResult, sourceText = SOURCE): KbLoadResult {
  return loadKnowledgeBase(
    { entityFiles: [{ uri: KB_URI, text: kbText, origin: 'workspace' }], sourceFiles: [{ uri: SOURCE_URI, text: sourceText, origin: 'bundled' }] },
    previous,
  );
}

const diagnosticsOf = (r: KbLoadResult, uri = KB_URI): Diagnostic[] => r.diagnostics.get(uri) ?? [];
const codesOf = (r: KbLoadResult, uri = KB_URI): string[] => diagnosticsOf(r, uri).map((d) => String(d.code));
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : String(d.message));

/**
 * A message an analyst can read: words, of a sensible length, starting with a word, a quote or
 * the config file's name rather than a stray separator (`: unknown key`, `.entities: …`), and
 * nothing of the program's insides (exception names such as "Maximum call stack size exceeded",
 * stack frames, `undefined`, `[object Object]`, the YAML library's API).
 */
function assertReadable(message: string, context = ''): void {
  const where = context ? ` (${context})` : '';
  assert.ok(message.trim().length >= 10, `message too short${where}: ${JSON.stringify(message)}`);
  assert.ok(message.length <= 400, `message too long${where}: ${message.length} characters`);
  assert.match(message, /^([\p{L}\p{N}'"`‘“]|\.briefrc\.yaml)/u, `message starts with punctuation${where}: ${JSON.stringify(message)}`);
  const internals = [
    /Maximum call stack/i,
    /\b(Range|Type|Reference|Syntax)Error\b/,
    /(?<![\w/])undefined\b/, // but a tag such as !!js/undefined may be named
    /\bNaN\b/,
    /\[object \w+\]/,
    /^\s*at .+:\d+:\d+/m,
    /\b[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*\(\)/, // a JavaScript call such as YAML.parseAllDocuments()
  ];
  for (const re of internals) assert.doesNotMatch(message, re, `message shows the program's insides${where}: ${JSON.stringify(message)}`);
}

/** Every diagnostic lies inside the file and carries Brief's source and a code. */
function assertInside(diagnostics: readonly Diagnostic[], text: string, context = ''): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of diagnostics) {
    assert.equal(d.source, 'brief', context);
    assert.ok(typeof d.code === 'string' && d.code.length > 0, `a diagnostic without a code (${context})`);
    for (const p of [d.range.start, d.range.end]) {
      assert.ok(p.line >= 0 && p.line < lines.length, `line ${p.line} is outside the file's ${lines.length} lines (${context}): ${messageOf(d)}`);
      assert.ok(
        p.character >= 0 && p.character <= lines[p.line].length,
        `column ${p.character} is past the end of line ${p.line}, which has ${lines[p.line].length} characters (${context}): ${messageOf(d)}`,
      );
    }
  }
}

/** Both of the above, for the suites that check how diagnostics read. */
function assertWellFormed(diagnostics: readonly Diagnostic[], text: string, context = ''): void {
  assertInside(diagnostics, text, context);
  for (const d of diagnostics) assertReadable(messageOf(d), context);
}

/** Defines a test that the diagnostics of a hostile input lie inside the file and read clearly. */
function readsClearly(name: string, text: string, diagnose: () => readonly Diagnostic[]): void {
  it(`${name}: its diagnostics lie inside the file and read clearly`, () => assertWellFormed(diagnose(), text, name));
}

/** Loads a good version, then `hostile` over it: the good entities must still be served. */
function afterGood(hostile: string): KbLoadResult {
  const good = load(GOOD);
  assert.deepEqual(codesOf(good), [], 'the good KB loads clean');
  const r = load(hostile, good);
  assert.ok(
    diagnosticsOf(r).some((d) => d.severity === DiagnosticSeverity.Error),
    `expected an error on the hostile file, got: ${diagnosticsOf(r).map(messageOf).join(' | ') || 'nothing'}`,
  );
  const alpha = r.kb.entities.get('alpha');
  assert.equal(alpha?.summary, 'The first state.', 'the last good version of alpha is still served');
  assert.ok(r.kb.entities.has('beta'), 'the last good version of beta is still served');
  assert.ok(r.kb.lookup('Alpha Land').length === 1, 'and its aliases still resolve');
  return r;
}

/** Heap growth over `run`, with what it returns still alive, in MiB. */
function heapGrowthMiB(run: () => unknown): { mib: number; result: unknown } {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const result = run();
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  return { mib: (after - before) / (1 << 20), result };
}

/** YAML's "billion laughs": nine levels of nine aliases, 9^9 strings if anything expanded it. */
function aliasBomb(useAt: string): string {
  const levels = 'abcdefghi'.split('');
  const lines = [`${levels[0]}: &${levels[0]} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < levels.length; i++) {
    lines.push(`${levels[i]}: &${levels[i]} [${Array(9).fill(`*${levels[i - 1]}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n${useAt}`;
}

/** The suites; not defined in the child process that loads large files (see the end). */
function defineSuites(): void {
  after(() => {
    if (figures.length > 0) console.log(`      hostile KB figures:\n${figures.map((f) => `        ${f}`).join('\n')}`);
  });

  describe('hostile KB files: YAML syntax errors', () => {
    const cases: { name: string; text: string }[] = [
      { name: 'an unclosed flow sequence', text: 'entities:\n  - id: [unclosed\n' },
      { name: 'an unclosed quoted string', text: 'entities:\n  - id: "alpha\n    kind: state\n' },
      { name: 'bad indentation', text: 'entities:\n  - id: alpha\n   kind: state\n' },
      { name: 'a tab used as indentation', text: 'entities:\n\t- id: alpha\n' },
      { name: 'two YAML documents in one file', text: `${GOOD}---\nentities: []\n` },
      { name: 'a key given twice', text: 'entities:\n  - id: alpha\n    id: beta\n    kind: state\n    name: A\n    summary: S.\n' },
      { name: 'a stray closing bracket', text: 'entities: ]\n' },
      { name: 'a mapping value where none may be', text: 'entities: a: b: c\n' },
      { name: 'a flow mapping left open at the end of the file', text: 'entities: [{ id: alpha' },
      { name: 'an alias to an anchor that does not exist', text: 'entities:\n  - *nowhere\n' },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = afterGood(c.text);
        const diagnostics = diagnosticsOf(r);
        assert.ok(
          diagnostics.some((d) => d.code === 'kb-syntax' || d.code === 'kb-schema'),
          `expected kb-syntax or kb-schema, got ${codesOf(r).join(', ')}`,
        );
      });
      readsClearly(c.name, c.text, () => diagnosticsOf(load(c.text)));
    }
  });

  /** Every path in a plain YAML value, with the value there. */
  function* paths(value: unknown, at: (string | number)[] = []): Generator<{ path: (string | number)[]; value: unknown }> {
    if (at.length > 0) yield { path: at, value };
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) yield* paths(value[i], [...at, i]);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) yield* paths(v, [...at, k]);
    }
  }

  /** A copy of `doc` with `value` at `path`. */
  function replaced<T>(doc: T, at: (string | number)[], value: unknown): T {
    const copy = structuredClone(doc) as Record<string | number, unknown>;
    let node = copy;
    for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[at[at.length - 1]] = value;
    return copy as T;
  }

  /** Values of a type other than `value`'s (numbers are not wrong for strings: `year: 2021`-style text is accepted). */
  function wrongValues(value: unknown): unknown[] {
    if (typeof value === 'string') return [['a', 'list'], { a: 'map' }, true];
    if (typeof value === 'number') return ['twenty', [2021], { a: 1 }, true];
    if (typeof value === 'boolean') return ['maybe', [true], { a: 1 }];
    if (Array.isArray(value)) return ['text', { a: 'map' }, 7];
    return ['text', ['a', 'list'], 7];
  }

  /** How a diagnostic names the place of a path: its last key, with the index for list items. */
  function label(at: (string | number)[]): string {
    const last = at[at.length - 1];
    return typeof last === 'number' ? `${String(at[at.length - 2])}[${last}]` : last;
  }

  describe('hostile KB files: a wrong type at every place of the entity schema', () => {
    it('the document used as the base loads clean', () => {
      assert.deepEqual(codesOf(load(GOOD)), []);
    });
    // Only the first entity's places: the second is a minimal entity kept for relation targets.
    const places = [...paths(GOOD_DOC)].filter((p) => p.path.length === 1 || p.path[1] === 0);
    for (const place of places) {
      it(`${place.path.join('.')}`, () => {
        for (const wrong of wrongValues(place.value)) {
          const text = stringify(replaced(GOOD_DOC, place.path, wrong));
          const r = afterGood(text);
          const diagnostics = diagnosticsOf(r);
          const about = diagnostics.filter((d) => d.code === 'kb-schema' && messageOf(d).includes(label(place.path)));
          assert.ok(
            about.length > 0,
            `${place.path.join('.')} = ${JSON.stringify(wrong)}: expected a kb-schema diagnostic naming '${label(place.path)}', got: ${diagnostics.map((d) => `${d.code}: ${messageOf(d)}`).join(' | ')}`,
          );
        }
      });
      it(`${place.path.join('.')}: its diagnostics lie inside the file and read clearly`, () => {
        for (const wrong of wrongValues(place.value)) {
          const text = stringify(replaced(GOOD_DOC, place.path, wrong));
          assertWellFormed(diagnosticsOf(load(text)), text, `${place.path.join('.')} = ${JSON.stringify(wrong)}`);
        }
      });
    }
  });

  describe('hostile source files: a wrong type at every place of the source schema', () => {
    const places = [...paths(SOURCE_DOC)];
    for (const place of places) {
      it(`${place.path.join('.')}`, () => {
        const good = load(GOOD);
        for (const wrong of wrongValues(place.value)) {
          const text = stringify(replaced(SOURCE_DOC, place.path, wrong));
          const r = load(GOOD, good, text);
          const diagnostics = diagnosticsOf(r, SOURCE_URI);
          assert.ok(
            diagnostics.some((d) => d.code === 'kb-schema' && messageOf(d).includes(label(place.path))),
            `${place.path.join('.')} = ${JSON.stringify(wrong)}: expected a kb-schema diagnostic naming '${label(place.path)}', got: ${diagnostics.map((d) => `${d.code}: ${messageOf(d)}`).join(' | ')}`,
          );
          assert.ok(r.kb.sources.get('src')?.passages.has('p1'), 'the last good source is still served');
          assert.deepEqual(codesOf(r), [], 'and the KB that cites it stays clean');
        }
      });
      it(`${place.path.join('.')}: its diagnostics lie inside the file and read clearly`, () => {
        for (const wrong of wrongValues(place.value)) {
          const text = stringify(replaced(SOURCE_DOC, place.path, wrong));
          assertWellFormed(diagnosticsOf(load(GOOD, undefined, text), SOURCE_URI), text, `${place.path.join('.')} = ${JSON.stringify(wrong)}`);
        }
      });
    }
  });

  describe('hostile KB files: whole files of the wrong shape', () => {
    const cases: { name: string; text: string }[] = [
      { name: 'a list', text: '- alpha\n- beta\n' },
      { name: 'a scalar', text: 'just some words\n' },
      { name: 'a number', text: '42\n' },
      { name: 'entities as a mapping', text: 'entities:\n  alpha: { kind: state }\n' },
      { name: 'entities as null', text: 'entities:\n' },
      { name: 'a list of scalars as entities', text: 'entities: [alpha, beta]\n' },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = afterGood(c.text);
        assert.ok(codesOf(r).includes('kb-schema'), codesOf(r).join(', '));
      });
      readsClearly(c.name, c.text, () => diagnosticsOf(load(c.text)));
    }
  });

  describe('hostile KB files: duplicate ids', () => {
    const entity = (id: string) => ({ id, kind: 'state', name: id.toUpperCase(), summary: `State ${id}.` });

    it('the same id twice in one file', () => {
      const text = stringify({ entities: [...GOOD_DOC.entities, entity('alpha')] });
      const r = load(text);
      const dups = diagnosticsOf(r).filter((d) => d.code === 'kb-duplicate-id');
      assert.equal(dups.length, 1, codesOf(r).join(', '));
      assert.match(messageOf(dups[0]), /alpha/);
      assertWellFormed(diagnosticsOf(r), text);
    });

    it('names the other file of a duplicate id by its path from this one', () => {
      assert.equal(relativeUri('file:///ws/kb/b.yaml', 'file:///ws/kb/a.yaml'), 'a.yaml');
      assert.equal(relativeUri('file:///ws/kb/b.yaml', 'file:///ws/more/kb/a%20b.yaml'), '../more/kb/a b.yaml');
      assert.equal(relativeUri('file:///ws/kb/deep/b.yaml', 'file:///ws/a.yaml'), '../../a.yaml');
      assert.equal(relativeUri('untitled:b.yaml', 'file:///ws/a.yaml'), 'file:///ws/a.yaml');
    });

    it('the same id in two workspace files: reported in the second, the first one wins', () => {
      const r = loadKnowledgeBase({
        entityFiles: [
          { uri: 'file:///ws/a.yaml', text: stringify({ entities: [entity('gamma')] }), origin: 'workspace' },
          { uri: 'file:///ws/b.yaml', text: stringify({ entities: [{ ...entity('gamma'), summary: 'Another.' }] }), origin: 'workspace' },
        ],
        sourceFiles: [{ uri: SOURCE_URI, text: SOURCE, origin: 'bundled' }],
      });
      assert.deepEqual(codesOf(r, 'file:///ws/a.yaml'), []);
      assert.deepEqual(codesOf(r, 'file:///ws/b.yaml'), ['kb-duplicate-id']);
      assert.equal(messageOf(diagnosticsOf(r, 'file:///ws/b.yaml')[0]), "Duplicate id 'gamma': already defined in a.yaml.", 'the other file as a path from this one');
      assert.equal(r.kb.entities.get('gamma')?.summary, 'State gamma.');
      assertReadable(messageOf(diagnosticsOf(r, 'file:///ws/b.yaml')[0]));
    });

    it('a workspace id that is already a bundled id: kb-id-clash in the workspace file, the bundled entity stays', () => {
      const r = loadKnowledgeBase({
        entityFiles: [
          { uri: 'file:///ws/mine.yaml', text: stringify({ entities: [{ ...entity('alpha'), summary: 'Hijacked.' }] }), origin: 'workspace' },
          { uri: 'file:///data/kb/bundled.yaml', text: GOOD, origin: 'bundled' },
        ],
        sourceFiles: [{ uri: SOURCE_URI, text: SOURCE, origin: 'bundled' }],
      });
      assert.deepEqual(codesOf(r, 'file:///ws/mine.yaml'), ['kb-id-clash']);
      assert.equal(r.kb.entities.get('alpha')?.summary, 'The first state.');
    });

    it('two source files with the same id', () => {
      const r = loadKnowledgeBase({
        entityFiles: [{ uri: KB_URI, text: GOOD, origin: 'workspace' }],
        sourceFiles: [
          { uri: SOURCE_URI, text: SOURCE, origin: 'bundled' },
          { uri: 'file:///data/sources/copy.yaml', text: SOURCE.replace('title: T', 'title: Copy'), origin: 'bundled' },
        ],
      });
      assert.deepEqual(codesOf(r, 'file:///data/sources/copy.yaml'), ['kb-duplicate-id']);
      assert.equal(r.kb.sources.get('src')?.title, 'T');
    });

    it('the same paragraph id twice in a source', () => {
      const text = stringify({ ...SOURCE_DOC, paragraphs: [...SOURCE_DOC.paragraphs, { id: 'p1', section: '', text: 'Again.' }] });
      const r = load(GOOD, undefined, text);
      const diagnostics = diagnosticsOf(r, SOURCE_URI);
      assert.ok(diagnostics.some((d) => d.code === 'kb-schema' && /p1/.test(messageOf(d))), diagnostics.map(messageOf).join(' | '));
      assertWellFormed(diagnostics, text);
    });

    it('ten thousand entities with one id', () => {
      const text = stringify({ entities: Array.from({ length: 10_000 }, () => entity('same')) });
      const r = load(text);
      const dups = diagnosticsOf(r).filter((d) => d.code === 'kb-duplicate-id');
      assert.equal(dups.length, 9_999);
      assert.equal(r.kb.entities.size, 0, 'a file with errors contributes no entities when it has no last good version');
    });
  });

  describe('hostile KB files: cycles of part-of', () => {
    const place = (id: string, partOf: string[]) => ({
      id,
      kind: 'organization',
      name: id.toUpperCase(),
      summary: `Organization ${id}.`,
      relations: partOf.map((target) => ({ type: 'part-of', target, evidence: [{ source: 'src', paragraph: 'p1', quote: 'Alpha' }] })),
    });
    const cycles: { name: string; entities: ReturnType<typeof place>[]; members: string[] }[] = [
      { name: 'an entity part of itself', entities: [place('org-a', ['org-a'])], members: ['org-a'] },
      { name: 'two entities part of each other', entities: [place('org-a', ['org-b']), place('org-b', ['org-a'])], members: ['org-a', 'org-b'] },
      {
        name: 'a cycle of three behind a chain',
        entities: [place('org-x', ['org-a']), place('org-a', ['org-b']), place('org-b', ['org-c']), place('org-c', ['org-a'])],
        members: ['org-a', 'org-b', 'org-c'],
      },
    ];
    for (const c of cycles) {
      it(`${c.name}: a kb-cycle diagnostic naming the cycle, on a part-of relation of it`, () => {
        const text = stringify({ entities: c.entities });
        const r = load(text);
        const found = diagnosticsOf(r).filter((d) => d.code === 'kb-cycle');
        assert.equal(found.length, 1, `expected one kb-cycle diagnostic, got: ${diagnosticsOf(r).map((d) => `${d.code}: ${messageOf(d)}`).join(' | ') || 'none'}`);
        for (const id of c.members) assert.ok(messageOf(found[0]).includes(id), `the message names ${id}: ${messageOf(found[0])}`);
        assertWellFormed(found, text);
        const line = text.split('\n')[found[0].range.start.line];
        assert.match(line, /part-of|target: org-/, 'the diagnostic points at a relation of the cycle');
      });
    }

    it('a cycle does not stop hover, completion or validation from answering', async () => {
      const text = stringify({ entities: cycles[2].entities });
      const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/cycle.yaml]\n', [`${WORKSPACE}/kb/cycle.yaml`]: text });
      const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
      const { doc, cursor } = brief('claim: @[org-a] part-of @[org-b$0]\n@org-c');
      const language = service();
      language.validate(doc, state.project);
      language.hover(doc, state.project, cursor);
      language.complete(doc, state.project, cursor);
    });
  });

  describe('hostile KB files: an alias bomb ("billion laughs")', () => {
    const places: { name: string; text: string }[] = [
      { name: 'as the entities list', text: aliasBomb('entities: *i\n') },
      { name: 'as an entity', text: aliasBomb('entities:\n  - *i\n') },
      { name: 'as aliases', text: aliasBomb('entities:\n  - { id: alpha, kind: state, name: Alpha, summary: S., aliases: *i }\n') },
      { name: 'as a summary', text: aliasBomb('entities:\n  - { id: alpha, kind: state, name: Alpha, summary: *i }\n') },
      { name: 'as evidence', text: aliasBomb('entities:\n  - { id: alpha, kind: state, name: Alpha, summary: S., facts: [ { text: T, evidence: *i } ] }\n') },
    ];
    for (const p of places) {
      it(`${p.name}: a diagnostic, the last good KB kept, and the heap grows by less than 8 MiB`, () => {
        const { mib, result } = heapGrowthMiB(() => afterGood(p.text));
        const r = result as KbLoadResult;
        assert.ok(diagnosticsOf(r).length > 0);
        assert.ok(mib < 8, `the heap grew by ${mib.toFixed(1)} MiB`);
      });
      readsClearly(p.name, p.text, () => diagnosticsOf(load(p.text)));
    }

    it('in .briefrc.yaml: rules and kb refused with diagnostics, nothing expanded', () => {
      for (const useAt of ['rules: *i\n', 'kb: *i\n']) {
        const text = aliasBomb(useAt);
        const { mib, result } = heapGrowthMiB(() => parseConfig('file:///ws/.briefrc.yaml', text));
        const config = result as ReturnType<typeof parseConfig>;
        assert.ok(config.broken, useAt);
        assert.deepEqual(config.config.kb, []);
        assert.ok(mib < 8, `the heap grew by ${mib.toFixed(1)} MiB`);
      }
    });
    for (const useAt of ['rules: *i\n', 'kb: *i\n']) {
      readsClearly(`in .briefrc.yaml, ${useAt.trim()}`, aliasBomb(useAt), () => parseConfig('file:///ws/.briefrc.yaml', aliasBomb(useAt)).diagnostics);
    }

    it('in a brief\'s front matter: a diagnostic, nothing expanded', () => {
      const text = `---\ntitle: T\n${aliasBomb('tags: *i\n').replace(/^([a-i]):/gm, 'x$1:')}---\nBody`;
      const { mib, result } = heapGrowthMiB(() => parseBrief(text));
      const syntax = result as ReturnType<typeof parseBrief>;
      assert.ok(syntax.problems.length > 0);
      for (const p of syntax.problems) assertReadable(p.message);
      assert.deepEqual(syntax.problems.map((p) => p.message), ['Front matter cannot be read: its aliases are used 100 times or more, more than front matter may expand.']);
      assert.ok(mib < 8, `the heap grew by ${mib.toFixed(1)} MiB`);
    });
  });

  describe('hostile KB files: deep nesting', () => {
    const cases: { name: string; text: string }[] = [
      { name: 'flow sequences 100,000 deep', text: `entities: ${'['.repeat(100_000)}` },
      { name: 'closed flow sequences 20,000 deep', text: `entities: ${'['.repeat(20_000)}${']'.repeat(20_000)}` },
      { name: 'flow mappings 20,000 deep', text: `entities: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}` },
      { name: 'block mappings 5,000 deep', text: `entities:\n${Array.from({ length: 5_000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}\n` },
      { name: 'block sequences 20,000 deep on one line', text: `entities:\n${'- '.repeat(20_000)}x\n` },
    ];
    for (const c of cases) {
      it(`${c.name}: a diagnostic, the last good KB kept, the heap bounded`, () => {
        const { mib, result } = heapGrowthMiB(() => afterGood(c.text));
        const diagnostics = diagnosticsOf(result as KbLoadResult);
        assert.ok(diagnostics.length <= 3, `${diagnostics.length} diagnostics for one problem`);
        assert.ok(mib < 64, `the heap grew by ${mib.toFixed(1)} MiB`);
      });
      readsClearly(c.name, c.text, () => diagnosticsOf(load(c.text)));
    }

    it('a front matter nested 1,000 deep: one clear diagnostic', () => {
      const syntax = parseBrief(`---\ntitle: T\ntags: ${'['.repeat(1_000)}\n---\nBody`);
      assert.ok(syntax.problems.length > 0 && syntax.problems.length <= 3, `${syntax.problems.length} problems`);
      for (const p of syntax.problems) assertReadable(p.message);
    });
  });

  describe('hostile KB files: language-specific YAML tags', () => {
    const marker = path.join(os.tmpdir(), `brief-hostile-${process.pid}`);
    afterEach(() => fs.rmSync(marker, { force: true }));
    const cases: { name: string; text: string; tag: string }[] = [
      {
        name: '!!js/function as a summary',
        text: 'entities:\n  - id: alpha\n    kind: state\n    name: Alpha\n    summary: !!js/function "function () { globalThis.__briefPwned = true; return 1; }"\n',
        tag: 'js/function',
      },
      { name: '!!js/undefined as a name', text: "entities:\n  - id: alpha\n    kind: state\n    name: !!js/undefined ''\n    summary: S.\n", tag: 'js/undefined' },
      { name: '!!js/regexp as an alias', text: 'entities:\n  - { id: alpha, kind: state, name: Alpha, summary: S., aliases: [ !!js/regexp /a+$/ ] }\n', tag: 'js/regexp' },
      { name: '!!python/object/apply as the entities', text: `entities: !!python/object/apply:os.system ["touch ${marker}"]\n`, tag: 'python/object/apply' },
      { name: 'a custom local tag', text: 'entities:\n  - !entity { id: alpha, kind: state, name: Alpha, summary: S. }\n', tag: '!entity' },
    ];
    for (const c of cases) {
      it(`${c.name}: a diagnostic naming the tag, and nothing runs`, () => {
        const r = load(c.text);
        const diagnostics = diagnosticsOf(r);
        assert.ok(diagnostics.some((d) => messageOf(d).includes(c.tag)), `no diagnostic names ${c.tag}: ${diagnostics.map(messageOf).join(' | ')}`);
        assert.ok(diagnostics.every((d) => d.code === 'kb-syntax' || d.code === 'kb-schema'), codesOf(r).join(', '));
        assert.equal((globalThis as { __briefPwned?: boolean }).__briefPwned, undefined, 'the function ran');
        assert.ok(!fs.existsSync(marker), 'the command ran');
        for (const e of r.kb.entities.values()) {
          for (const value of [e.id, e.name, e.summary, ...e.aliases]) assert.equal(typeof value, 'string', `${e.id} holds a ${typeof value}`);
        }
        // And the features that show KB text do not run it either.
        const alpha = r.kb.entities.get('alpha');
        if (alpha) assert.equal(typeof alpha.summary.length, 'number');
      });
      readsClearly(c.name, c.text, () => diagnosticsOf(load(c.text)));
    }
  });

  describe('hostile KB files: size', function () {
    this.timeout(120_000);

    it('a 20 MB KB file loads, or is refused with a diagnostic, within 20 s of CPU, at most 40× the cost of 1 MB, and in less than 512 MiB', () => {
      const small = inChild('big-kb', 1);
      const big = inChild('big-kb', 20);
      const report = `20 MB: ${describeRun(big)}; 1 MB: ${describeRun(small)}`;
      figures.push(`20 MB KB file: ${report}`);
      assert.ok(big.done, `the 20 MB file was still loading after ${CHILD_LIMIT_MS / 1000} s (${report})`);
      assert.ok(big.entities === big.expectedEntities || big.diagnostics.length > 0, `neither loaded nor refused (${report})`);
      for (const d of big.diagnostics) assertReadable(d.message, '20 MB file');
      assert.ok(big.cpuMs !== undefined && big.cpuMs <= 20_000, `loading took ${big.cpuMs} ms of CPU (${report})`);
      assert.ok(small.cpuMs !== undefined && big.cpuMs / small.cpuMs <= 40, `20 MB cost ${(big.cpuMs / (small.cpuMs ?? NaN)).toFixed(1)}× 1 MB (linear is 20)`);
      assert.ok(big.maxRssMiB !== undefined && big.maxRssMiB < 512, `the loading process peaked at ${big.maxRssMiB} MiB (${report})`);
    });

    it('a mapping of 100,000 keys costs at most 30× one of 10,000 keys (linear is 10, quadratic 100)', () => {
      const small = inChild('many-keys', 10_000);
      const big = inChild('many-keys', 100_000);
      const report = `100,000 keys: ${describeRun(big)}; 10,000 keys: ${describeRun(small)}`;
      figures.push(`one mapping with many keys: ${report}`);
      assert.ok(big.done, `still loading after ${CHILD_LIMIT_MS / 1000} s (${report})`);
      assert.ok(big.cpuMs !== undefined && small.cpuMs !== undefined && big.cpuMs / small.cpuMs <= 30, report);
      assert.ok(big.diagnostics.length > 0, 'unknown keys are reported');
    });

    it('8,000 entities of one name cost at most 10× 2,000 (linear is 4, quadratic 16): each warning names three and counts the rest', () => {
      const small = inChild('one-name', 2_000);
      const big = inChild('one-name', 8_000);
      const report = `8,000 entities: ${describeRun(big)}; 2,000: ${describeRun(small)}`;
      figures.push(`one name shared by every entity: ${report}`);
      assert.ok(big.done, `still loading after ${CHILD_LIMIT_MS / 1000} s (${report})`);
      assert.ok(big.cpuMs !== undefined && small.cpuMs !== undefined && big.cpuMs / small.cpuMs <= 10, report);
      assert.equal(big.diagnosticCount, 8_000);
      assert.match(big.diagnostics[0].message, /^Name 'Common' is already a name of e1 \(in this file\), e2 \(in this file\), e3 \(in this file\), 7996 more: @Common will be ambiguous\.$/);
    });
  });

  describe('.briefrc.yaml: hostile values', () => {
    const CONFIG_URI = 'file:///ws/.briefrc.yaml';
    const cases: { name: string; text: string; codes: string[] }[] = [
      { name: 'an unknown rule', text: 'rules: { unknown-referense: off }\n', codes: ['unknown-rule'] },
      { name: 'a rule name that is a list', text: 'rules: { [a, b]: off }\n', codes: ['unknown-rule'] },
      { name: 'a severity that is no severity', text: 'rules: { unknown-reference: loud }\n', codes: ['config-invalid-value'] },
      { name: 'a severity of the wrong case', text: 'rules: { unknown-reference: Error }\n', codes: ['config-invalid-value'] },
      { name: 'a numeric severity', text: 'rules: { unknown-reference: 3 }\n', codes: ['config-invalid-value'] },
      { name: 'a boolean severity', text: 'rules: { unknown-reference: false }\n', codes: ['config-invalid-value'] },
      { name: 'a list as severity', text: 'rules: { unknown-reference: [error] }\n', codes: ['config-invalid-value'] },
      { name: 'rules as a list', text: 'rules: [unknown-reference]\n', codes: ['config-invalid-value'] },
      { name: 'kb as a string', text: 'kb: kb/local.yaml\n', codes: ['config-invalid-value'] },
      { name: 'a kb entry that is a mapping', text: 'kb: [{ path: x.yaml }]\n', codes: ['config-invalid-value'] },
      { name: 'a YAML syntax error', text: 'rules: { a: [\n', codes: ['config-syntax'] },
      { name: 'a tag', text: 'rules: !!js/function "function () { globalThis.__briefPwned = true; }"\n', codes: ['config-syntax', 'config-invalid-value'] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = parseConfig(CONFIG_URI, c.text);
        assert.deepEqual([...new Set(r.diagnostics.map((d) => String(d.code)))].sort(), [...c.codes].sort());
        assert.equal((globalThis as { __briefPwned?: boolean }).__briefPwned, undefined);
      });
      readsClearly(c.name, c.text, () => parseConfig(CONFIG_URI, c.text).diagnostics);
    }

    const escapes = [
      '../../etc/passwd',
      '../sibling/kb.yaml',
      'kb/../../outside.yaml',
      'kb/./../../outside.yaml',
      '/etc/passwd',
      'C:\\Windows\\win.ini',
      'C:/data/kb.yaml',
      '\\\\server\\share\\kb.yaml',
      'kb\\..\\..\\outside.yaml',
      'file:///etc/passwd',
      '../**/*.yaml',
      '**/../../*.yaml',
    ];
    for (const kbPath of escapes) {
      it(`kb: ${kbPath} is refused with kb-path-refused, and nothing outside is read`, async () => {
        const config = `kb: [${JSON.stringify(kbPath)}]\n`;
        // An absolute path is refused by its spelling; where a relative one leads, when the project loads.
        const { state, reads } = await loadRecorded({ [`${WORKSPACE}/.briefrc.yaml`]: config, '/etc/passwd': 'root:x:0:0', '/mem/outside.yaml': 'entities: []\n' });
        const diagnostics = state.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? [];
        assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['kb-path-refused', DiagnosticSeverity.Error]]);
        assert.match(String(diagnostics[0].message), /refused: .*leads outside the workspace folder/);
        assertWellFormed(diagnostics, config);
        assert.deepEqual(state.workspaceKbFiles, []);
        assert.deepEqual(outside(reads), []);
      });
    }
  });

  describe('.briefrc.yaml: symbolic links out of the workspace folder (on disk, through the server\'s NodeWorkspace)', () => {
    const SECRET = 'entities:\n  - { id: secret, kind: state, name: Secret, summary: Must not be read. }\n';
    let root: string;
    let folder: string;
    let secretDir: string;
    beforeEach(() => {
      root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'brief-hostile-')));
      folder = path.join(root, 'ws');
      secretDir = path.join(root, 'outside');
      fs.mkdirSync(path.join(folder, 'kb'), { recursive: true });
      fs.mkdirSync(path.join(secretDir, 'deep'), { recursive: true });
      fs.writeFileSync(path.join(secretDir, 'secret.yaml'), SECRET);
      fs.writeFileSync(path.join(secretDir, 'deep', 'secret.yaml'), SECRET);
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    const cases: { name: string; kb: string; make: () => void }[] = [
      { name: 'a linked folder', kb: 'linked/secret.yaml', make: () => fs.symlinkSync(secretDir, path.join(folder, 'linked')) },
      { name: 'a linked file', kb: 'kb/local.yaml', make: () => fs.symlinkSync(path.join(secretDir, 'secret.yaml'), path.join(folder, 'kb', 'local.yaml')) },
      {
        name: 'a link to a link',
        kb: 'kb/local.yaml',
        make: () => {
          fs.symlinkSync(path.join(secretDir, 'secret.yaml'), path.join(folder, 'kb', 'hop.yaml'));
          fs.symlinkSync(path.join(folder, 'kb', 'hop.yaml'), path.join(folder, 'kb', 'local.yaml'));
        },
      },
      { name: 'a relative link', kb: 'kb/local.yaml', make: () => fs.symlinkSync('../../outside/secret.yaml', path.join(folder, 'kb', 'local.yaml')) },
      { name: 'a glob over a folder holding a linked file', kb: 'kb/*.yaml', make: () => fs.symlinkSync(path.join(secretDir, 'secret.yaml'), path.join(folder, 'kb', 'local.yaml')) },
      { name: 'a glob through a linked folder', kb: 'linked/**/*.yaml', make: () => fs.symlinkSync(secretDir, path.join(folder, 'linked')) },
    ];
    for (const c of cases) {
      it(`${c.name}: refused with kb-path-refused or not found, and nothing outside is read`, async () => {
        c.make();
        fs.writeFileSync(path.join(folder, '.briefrc.yaml'), `kb: ["${c.kb}"]\n`);
        const { state, reads } = await loadOnDisk(folder);
        assert.ok(!state.project.resolver.kb.entities.has('secret'), 'the secret entity was loaded');
        assert.deepEqual(state.workspaceKbFiles, []);
        const diagnostics = state.fileDiagnostics.get(new NodeWorkspace().toUri(path.join(folder, '.briefrc.yaml'))) ?? [];
        assert.ok(
          diagnostics.some((d) => d.code === 'kb-path-refused') || diagnostics.some((d) => /not found/.test(messageOf(d))),
          `the config file says why: ${diagnostics.map(messageOf).join(' | ') || 'nothing'}`,
        );
        assertWellFormed(diagnostics, `kb: ["${c.kb}"]\n`);
        const leaks = reads.filter((r) => r.path === secretDir || r.path.startsWith(`${secretDir}/`));
        assert.deepEqual(leaks, [], 'read or listed outside the workspace folder');
      });
    }

    it('a kb path inside the folder is read, and nothing outside the folder and the bundled data', async () => {
      fs.mkdirSync(path.join(folder, 'more', 'deep'), { recursive: true });
      fs.writeFileSync(path.join(folder, 'kb', 'local.yaml'), SECRET.replace(/secret/g, 'local').replace('Secret', 'Local'));
      fs.writeFileSync(path.join(folder, 'more', 'deep', 'other.yaml'), SECRET.replace(/secret/g, 'other').replace('Secret', 'Other'));
      fs.writeFileSync(path.join(folder, '.briefrc.yaml'), 'kb: [kb/local.yaml, "more/**/*.yaml"]\n');
      const { state, reads } = await loadOnDisk(folder);
      assert.ok(state.project.resolver.kb.entities.has('local'));
      assert.ok(state.project.resolver.kb.entities.has('other'));
      const dataDir = fs.realpathSync(MINI_DATA_ON_DISK);
      const elsewhere = reads.filter((r) => !(r.path === folder || r.path.startsWith(`${folder}/`) || r.path.startsWith(`${dataDir}/`) || r.path === dataDir));
      assert.deepEqual(elsewhere, []);
    });
  });

  describe('the last good KB survives hostile edits of a workspace KB file (loadProject)', () => {
    const GOOD_LOCAL = 'entities:\n  - { id: local-one, kind: group, name: Local One, summary: A local group. }\n';
    const hostile: Record<string, string> = {
      'a syntax error': 'entities:\n  - { id: [\n',
      'an alias bomb': aliasBomb('entities: *i\n'),
      'a wrong type': 'entities:\n  - { id: local-one, kind: group, name: [Local, One], summary: A local group. }\n',
      'deep nesting': `entities: ${'['.repeat(10_000)}`,
      'a tag and a schema error': 'entities: !!js/function "function () {}"\n',
    };
    for (const [name, text] of Object.entries(hostile)) {
      it(name, async () => {
        const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: GOOD_LOCAL });
        const first = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
        assert.ok(first.project.resolver.kb.entities.has('local-one'));
        ws.files.set(`${WORKSPACE}/kb/local.yaml`, text);
        const second = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true }, first);
        assert.ok(second.project.resolver.kb.entities.has('local-one'), 'the last good entity is still served');
        const diagnostics = second.fileDiagnostics.get(`file://${WORKSPACE}/kb/local.yaml`) ?? [];
        assert.ok(diagnostics.some((d) => d.severity === DiagnosticSeverity.Error), 'the file has an error diagnostic');
        // The briefs that use the entity keep resolving it.
        const { doc } = brief('@[Local One] and @local-one');
        assert.deepEqual(service().validate(doc, second.project), []);
      });
    }
  });

  const MINI_DATA_ON_DISK = path.join(REPO_ROOT, 'test', 'fixtures', 'mini-data');

/**
 * Loads the project of a folder on disk through the server's own NodeWorkspace, recording every
 * file read, folder listed and path stat-ed for a listing, each with its links resolved.
 */
async function loadOnDisk(folder: string): Promise<{ state: ProjectState; reads: { op: string; path: string }[] }> {
  const ws = new NodeWorkspace();
  const reads: { op: string; path: string }[] = [];
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const readFile = ws.readFile.bind(ws);
  const listFiles = ws.listFiles.bind(ws);
  ws.readFile = async (p: string) => {
    const text = await readFile(p);
    if (text !== undefined) reads.push({ op: 'read', path: real(p) });
    return text;
  };
  ws.listFiles = async (dir: string, recursive: boolean) => {
    reads.push({ op: 'list', path: real(dir) });
    return listFiles(dir, recursive);
  };
  const state = await loadProject(ws, { bundledDataDir: MINI_DATA_ON_DISK, folder, trusted: true });
  return { state, reads };
}

/** Paths read (links followed) that are neither in the workspace folder nor in the bundled data. */
  function outside(reads: readonly string[]): string[] {
    return reads.filter((r) => !(r === WORKSPACE || r.startsWith(`${WORKSPACE}/`) || r.startsWith(`${MINI_DATA}/`)));
  }

  /** Loads the project of WORKSPACE, recording every file read and folder listed (links followed). */
  async function loadRecorded(files: Record<string, string>, links: Record<string, string> = {}): Promise<{ state: ProjectState; reads: string[] }> {
    const ws = miniWorkspace(files);
    for (const [link, target] of Object.entries(links)) ws.links.set(link, target);
    const reads: string[] = [];
    const follow = (p: string) => resolveLinks(ws, p);
    const readFile = ws.readFile.bind(ws);
    const listFiles = ws.listFiles.bind(ws);
    ws.readFile = async (p: string) => {
      reads.push(follow(p));
      return readFile(p);
    };
    ws.listFiles = async (folder: string, recursive: boolean) => {
      reads.push(follow(folder));
      const listed = await listFiles(folder, recursive);
      return listed;
    };
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    return { state, reads };
  }

  /** Where a path leads once every symbolic link of the memory workspace is followed. */
  function resolveLinks(ws: MemoryWorkspace, p: string): string {
    for (let hops = 0; hops < 40; hops++) {
      let next = p;
      for (const [link, target] of ws.links) {
        if (p === link) next = target;
        else if (p.startsWith(`${link}/`)) next = target + p.slice(link.length);
      }
      if (next === p) return p;
      p = next;
    }
    return p;
  }
}

// ---- Large inputs, loaded in a child process so that time and memory are its own ----

interface ChildRun {
  readonly done: boolean;
  readonly cpuMs?: number;
  readonly maxRssMiB?: number;
  readonly entities?: number;
  /** How many entities the file holds. */
  readonly expectedEntities?: number;
  readonly diagnostics: { code: string; message: string }[];
  readonly diagnosticCount?: number;
  readonly megabytes?: number;
}

const CHILD_ENV = 'BRIEF_HOSTILE_KB_CHILD';
const CHILD_LIMIT_MS = 45_000;
const figures: string[] = [];

function describeRun(r: ChildRun): string {
  if (!r.done) return 'unfinished';
  return `${r.megabytes?.toFixed(1)} MB, CPU ${r.cpuMs?.toFixed(0)} ms, peak RSS ${r.maxRssMiB} MiB, ${r.entities} entities, ${r.diagnosticCount} diagnostics`;
}

/** A KB file of about `megabytes` MB of valid entities, each with a relation and evidence. */
function bigKb(megabytes: number): string {
  const parts = ['entities:\n'];
  let length = parts[0].length;
  let k = 0;
  while (length < megabytes * (1 << 20)) {
    const e =
      `  - id: e${k}\n    kind: state\n    name: Entity number ${k}\n    aliases: [E${k}, Ent ${k}]\n` +
      `    summary: A state made up for a test of a twenty megabyte knowledge base file, number ${k}.\n` +
      `    relations:\n      - type: borders\n        target: e${k + 1}\n        evidence:\n` +
      `          - { source: src, paragraph: p1, quote: "Alpha borders Beta" }\n`;
    parts.push(e);
    length += e.length;
    k++;
  }
  parts.push(`  - id: e${k}\n    kind: state\n    name: Last\n    summary: S.\n`);
  return parts.join('');
}

/** A KB file whose top-level mapping has `keys` keys besides `entities`. */
/** `count` entities of one name: a label every one of them shares with all the others. */
function oneName(count: number): string {
  const parts = ['entities:\n'];
  for (let k = 0; k < count; k++) parts.push(`  - id: e${k}\n    kind: group\n    name: Common\n    summary: S.\n`);
  return parts.join('');
}

function manyKeys(keys: number): string {
  const parts = ['entities: []\n'];
  for (let k = 0; k < keys; k++) parts.push(`key${k}: v\n`);
  return parts.join('');
}

function inChild(kind: 'big-kb' | 'many-keys' | 'one-name', size: number): ChildRun {
  const child = spawnSync(process.execPath, ['--expose-gc', __filename], {
    env: { ...process.env, [CHILD_ENV]: JSON.stringify({ kind, size }) },
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    timeout: CHILD_LIMIT_MS,
    killSignal: 'SIGKILL',
  });
  if (child.signal === 'SIGKILL') return { done: false, diagnostics: [] };
  if (child.status !== 0) throw new Error(`the loading process failed (status ${child.status}):\n${child.stderr}`);
  return { done: true, ...(JSON.parse(child.stdout) as Omit<ChildRun, 'done'>) };
}

function runChild(spec: { kind: 'big-kb' | 'many-keys' | 'one-name'; size: number }): void {
  const text = spec.kind === 'big-kb' ? bigKb(spec.size) : spec.kind === 'one-name' ? oneName(spec.size) : manyKeys(spec.size);
  const cpu = process.cpuUsage();
  const r = load(text);
  const used = process.cpuUsage(cpu);
  const diagnostics = diagnosticsOf(r);
  const out: Omit<ChildRun, 'done'> = {
    cpuMs: (used.user + used.system) / 1000,
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    entities: r.kb.entities.size,
    expectedEntities: (text.match(/^ {2}- id: /gm) ?? []).length,
    diagnostics: diagnostics.slice(0, 5).map((d) => ({ code: String(d.code), message: messageOf(d) })),
    diagnosticCount: diagnostics.length,
    megabytes: text.length / (1 << 20),
  };
  process.stdout.write(JSON.stringify(out));
}

if (require.main === module) runChild(JSON.parse(process.env[CHILD_ENV] ?? '{}'));
else defineSuites();
