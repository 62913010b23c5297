/**
 * The simple YAML reader of KB files (core/kb/fastYaml.ts) against `yaml.parseDocument`: on every
 * text it accepts, the same tree — kinds, values, keys, and all three offsets of every range —
 * and `yaml` finds no error or warning in it. Texts outside its subset must be refused (they then
 * go to `yaml`). Generated documents and random edits of them explore the formatting around the
 * subset's edges: spacing, comments, blank lines, quoting, empty values, flow collections, a
 * missing final line break.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { parseSimpleYaml } from '../../server/src/core/kb/fastYaml';
import { SimpleMap, SimpleScalar, SimpleSeq, type SimpleNode } from '../../server/src/core/kb/fastYamlNodes';
import { readEntityFile, readSourceFile } from '../../server/src/core/kb/loader';
import { REPO_ROOT } from '../helpers/memoryWorkspace';
import { prng } from '../helpers/prng';

/** Where the simple tree differs from `yaml`'s, or undefined when it does not. */
function difference(simple: SimpleNode, node: unknown, at: string): string | undefined {
  const range = (node as { range?: unknown }).range;
  if (JSON.stringify(simple.range) !== JSON.stringify(range)) return `${at}: range ${JSON.stringify(simple.range)}, yaml ${JSON.stringify(range)}`;
  if (simple instanceof SimpleScalar) {
    if (!isScalar(node)) return `${at}: a scalar, yaml has another kind`;
    return Object.is(simple.value, node.value) ? undefined : `${at}: value ${JSON.stringify(simple.value)}, yaml ${JSON.stringify(node.value)}`;
  }
  if (simple instanceof SimpleSeq) {
    if (!isSeq(node)) return `${at}: a sequence, yaml has another kind`;
    if (simple.items.length !== node.items.length) return `${at}: ${simple.items.length} items, yaml ${node.items.length}`;
    for (let i = 0; i < simple.items.length; i++) {
      const d = difference(simple.items[i], node.items[i], `${at}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (!isMap(node)) return `${at}: a mapping, yaml has another kind`;
  if (simple.items.length !== node.items.length) return `${at}: ${simple.items.length} pairs, yaml ${node.items.length}`;
  for (let i = 0; i < simple.items.length; i++) {
    const pair = node.items[i];
    if (!isPair(pair)) return `${at}: item ${i} is no pair`;
    const d = difference(simple.items[i].key, pair.key, `${at}.<key ${i}>`) ?? difference(simple.items[i].value, pair.value, `${at}.${String(simple.items[i].key.value)}`);
    if (d) return d;
  }
  return undefined;
}

/** 'refused', or 'same' when the simple tree equals `yaml`'s; throws on a difference. */
function compare(text: string): 'refused' | 'same' {
  const simple = parseSimpleYaml(text);
  if (!simple) return 'refused';
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) assert.fail(`accepted a text yaml reports (${problem.message}):\n${text}`);
  const d = difference(simple, doc.contents, '');
  if (d) assert.fail(`${d}\n--- text:\n${text}`);
  return 'same';
}

// A generator of KB-like documents with varied formatting --------------------------------------

type Tree = { map: [string, Tree][] } | { seq: Tree[] } | { scalar: string } | { empty: true };

const WORDS = ['alpha', 'Beta', 'p7', 'bench-2024', 'x', 'Zürich', 'Тоҷикистон', '日本', 'a b', 'c-d', 'e_f', 'tab', 'say', 'http://x.org/a', 'a#b', 'a:b', '2021', '2021-08', '2021-08-30', '007', 'true', 'False', 'null', '~', 'NULL', 'yes', 'no', '1.5', '-3', '+4', '.5', '1e3', '0x1F', '0o17', '.inf', '-.nan', '3rd', 'N/A'];
const PLAIN_NASTY = ['a: b', 'a #b', '#x', '- x', '-x', '?x', ':x', '&a', '*a', '!t', '|', '>', '%x', '@x', '`x', '{x', '[x', 'x]', 'x}', 'x,y', "'x", '"x', 'a:', 'x ', ' x'];
const QUOTED = ['', ' ', 'He said "hi"', 'back\\slash', 'tab\there', 'new\nline', 'ü', '\u2028', 'emoji 🏔', "it's", '#', ': ', '\u0001'];

function generate(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const chance = (p: number) => random() < p;
  const key = () => (chance(0.9) ? pick(['id', 'kind', 'name', 'aliases', 'summary', 'relations', 'evidence', 'type', 'target', 'negated', 'since', 'quote', 'source', 'paragraph', 'text', 'entities']) : pick(['a-b', 'k_1', 'true', 'null', '12', 'Key', 'x y', '"q"', 'a:b']));
  const scalar = (): string => {
    const r = random();
    if (r < 0.45) return pick(WORDS);
    if (r < 0.55) return pick(PLAIN_NASTY);
    if (r < 0.8) return JSON.stringify(pick([...WORDS, ...QUOTED])).replace(/\\u2028/g, chance(0.5) ? '\\u2028' : '\u2028');
    if (r < 0.85) return pick(['"\\x41"', '"\\0"', '"\\N"', '"\\_"', '"\\ "', '"a\\', '"unclosed', '"\\uZZZZ"', '"\\U0001F600"']);
    return `'${pick([...WORDS, ...QUOTED]).replace(/'/g, "''")}'`;
  };
  const tree = (depth: number): Tree => {
    const r = random();
    if (depth > 4 || r < 0.4) return chance(0.1) ? { empty: true } : { scalar: scalar() };
    if (r < 0.7) return { map: Array.from({ length: 1 + Math.floor(random() * 4) }, () => [key(), tree(depth + 1)] as [string, Tree]) };
    return { seq: Array.from({ length: Math.floor(random() * 4) }, () => tree(depth + 1)) };
  };
  const flow = (t: Tree, depth: number): string => {
    const sp = () => ' '.repeat(pick([0, 0, 1, 1, 2]));
    if ('scalar' in t) return t.scalar;
    if ('empty' in t) return pick(['', '~']);
    if ('seq' in t) return `[${sp()}${t.seq.map((x) => flow(depth > 2 ? { scalar: scalar() } : x, depth + 1)).join(`${sp()},${sp() || ' '}`)}${sp()}${chance(0.05) ? ',' : ''}]`;
    return `{${sp()}${t.map.map(([k, v]) => `${k}:${chance(0.95) ? ' ' : ''}${sp()}${flow(depth > 2 ? { scalar: scalar() } : v, depth + 1)}`).join(`${sp()},${sp() || ' '}`)}${sp()}}`;
  };
  const lines: string[] = [];
  const noise = (indent: number) => {
    if (chance(0.08)) lines.push(chance(0.5) ? '' : ' '.repeat(Math.floor(random() * 6)));
    if (chance(0.06)) lines.push(`${' '.repeat(chance(0.7) ? indent : Math.floor(random() * 8))}# a comment: with - [odd] {chars} "`);
  };
  const trailing = () => (chance(0.1) ? ' '.repeat(1 + Math.floor(random() * 3)) : '') + (chance(0.08) ? `${chance(0.9) ? ' ' : ''}# trailing` : '');
  /** Writes `t` as the value after `prefix` (a key and colon, or a dash) at column `indent`. */
  const block = (t: Tree, indent: number, prefix: string) => {
    const step = pick([2, 2, 2, 4, 1, 3]);
    if ('scalar' in t && !prefix.trimStart().startsWith('-') && chance(0.06)) {
      // A block scalar, now and then outside the plain case the reader takes.
      lines.push(`${prefix} ${pick(['>-', '>', '|', '|-', '>+', '> # c'])}${chance(0.05) ? ' ' : ''}`);
      const column = indent + pick([2, 2, 4, 1, 0]);
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
        if (chance(0.05)) lines.push('');
        lines.push(`${' '.repeat(column + (chance(0.05) ? 1 : 0))}${pick([...WORDS, ...PLAIN_NASTY]).trim()}${chance(0.03) ? ' ' : ''}`);
      }
      return;
    }
    if ('scalar' in t || 'empty' in t || (chance(0.15) && !('empty' in t))) {
      const value = 'empty' in t ? '' : 'scalar' in t ? t.scalar : flow(t, 0);
      lines.push(`${prefix}${value === '' ? pick(['', ' ']) : ` ${value}`}${trailing()}`);
      if (chance(0.02)) lines.push(`${' '.repeat(indent + step)}continued`);
      return;
    }
    if ('seq' in t && t.seq.length === 0) {
      lines.push(`${prefix} []${trailing()}`);
      return;
    }
    lines.push(`${prefix}${chance(0.05) ? ' # on the key line' : ''}`);
    const inner = indent + (chance(0.03) ? 0 : step);
    if ('seq' in t) {
      for (const item of t.seq) {
        noise(inner);
        if ('map' in item && chance(0.8)) {
          const gap = pick([1, 1, 1, 2, 3]);
          const column = inner + 1 + gap;
          item.map.forEach(([k, v], i) => {
            const lead = i === 0 ? `${' '.repeat(inner)}-${' '.repeat(gap)}` : ' '.repeat(column + (chance(0.02) ? 1 : 0));
            block(v, column, `${lead}${k}:`);
            if (i < item.map.length - 1) noise(column);
          });
        } else block(item, inner, `${' '.repeat(inner)}-`);
      }
    } else {
      for (const [k, v] of t.map) {
        noise(inner);
        block(v, inner, `${' '.repeat(inner)}${k}:`);
      }
    }
  };
  if (chance(0.3)) lines.push('# A header comment');
  const root = tree(0);
  const top: [string, Tree][] = 'map' in root ? root.map : [['entities', root]];
  for (const [k, v] of top) {
    noise(0);
    block(v, 0, `${k}:`);
  }
  noise(0);
  return lines.join('\n') + (chance(0.85) ? '\n' : '');
}

/** A random edit of a text: a character inserted, deleted or replaced, from YAML's significant ones. */
function mutate(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const c = ' \n:-#"\'{}[],&*!|>%@`?\t\r~0aZ\\'[Math.floor(random() * 29)];
  const r = random();
  if (r < 0.4) return text.slice(0, at) + c + text.slice(at);
  if (r < 0.7) return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + c + text.slice(at + 1);
}

describe('simple YAML reader of KB files (fastYaml.ts)', () => {
  it('reads the KB-shaped files of the repository as yaml does', () => {
    const files = [
      ...['test/fixtures/mini-data/kb', 'test/fixtures/mini-data/sources', 'data/sources'].flatMap((dir) =>
        fs.readdirSync(path.join(REPO_ROOT, dir)).filter((f) => f.endsWith('.yaml')).map((f) => path.join(REPO_ROOT, dir, f)),
      ),
    ];
    for (const file of files) assert.equal(compare(fs.readFileSync(file, 'utf8')), 'same', file);
  });

  it('reads text in the bench generator format as yaml does', () => {
    const text = [
      '# Synthetic person entities for the bench (seed 1).',
      'entities:',
      '  - id: nelin-torost',
      '    kind: person',
      '    name: "Nelin Törost"',
      '    aliases: []',
      '    summary: "Delegation and tensions."',
      '    relations:',
      '      - type: opposes',
      '        target: surpe-programme',
      '        negated: true',
      '        evidence:',
      '          - { source: bench-2024, paragraph: p9, quote: "with amid fees" }',
      '    facts:',
      '      - text: "Corridor tensions."',
      '        evidence:',
      '          - { source: bench-2024, paragraph: p13, quote: "and regional" }',
      '  - id: uslin-bekbad',
      '    kind: person',
      '    name: "Uslin Bekbad"',
      '    aliases: ["U. Bekbad", "UB"]',
      '    summary: "Officials."',
      '',
    ].join('\n');
    assert.equal(compare(text), 'same');
    // A stamp at the end, as the bench adds to make a copy no cache knows.
    assert.equal(compare(`${text}# bench copy 123-456\n`), 'same');
    assert.equal(compare(`${text}\n# one\n  \n# two`), 'same');
  });

  it('refuses what it does not read (those files go to yaml)', () => {
    const refused = [
      // Block scalars outside the plain case: keep (+), an indentation digit, a comment after the
      // header, a blank or more-indented line inside, a trailing space, no line break at the end.
      'summary: >+\n  kept\n',
      'summary: >2\n  two\n',
      'summary: > # why\n  text\n',
      'summary: >-\n  one\n\n  two\n',
      'summary: |\n  one\n    more\n',
      'summary: >-\n  one \n',
      'summary: >-\n  last',
      'summary: >-\nx: y\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a:\n\t- x\n',
      'a: b\r\nc: d\r\n',
      '---\na: b\n',
      'a: b\n---\nc: d\n',
      'a: b\n...\n',
      '%YAML 1.2\n---\na: b\n',
      'a: one\n  two\n',
      'a:\n- x\n',
      'a: "two\n  lines"\n',
      'a: [x,\n  y]\n',
      'a: 1.5\n',
      'a: 0x1F\n',
      'a: -3\n',
      'a: .inf\n',
      '"quoted key": x\n',
      '? complex\n: key\n',
      'a: "\\x41"\n',
      'a: b: c\n',
      'a: "x" y\n',
      '- a\n- b\n',
      '{ a: b }\n',
      '# only a comment\n',
      '',
      'a: # comment\n  b: c\n',
      'a: x\n# a comment line after the first key\nb: y\n',
      '\ufeffa: b\n',
      'a: b\u0085c\n',
      'a: 12345678901234567890\n',
      'true: x\n',
      'a:\n  - x\n  b: y\n',
    ];
    for (const text of refused) assert.equal(parseSimpleYaml(text), undefined, JSON.stringify(text));
  });

  it('reads block scalars in the plain case as yaml does (the bundled KB writes its summaries so)', () => {
    for (const text of ['summary: >-\n  folded\n  text\n', 'summary: |\n  literal\n', 'a:\n  summary: >\n    Line one # not a comment\n    - line: two\n  kind: x\nb: |-\n  keep\n  this\n\nc: 1\n']) {
      assert.equal(compare(text), 'same', text);
    }
    // Most bundled KB files are now read (the others hold a comment line or a name such as
    // `201st base` the reader leaves to yaml); each read is compared with yaml's.
    const bundled = fs.readdirSync(path.join(REPO_ROOT, 'data', 'kb')).filter((f) => f.endsWith('.yaml'));
    const read = bundled.filter((f) => compare(fs.readFileSync(path.join(REPO_ROOT, 'data', 'kb', f), 'utf8')) === 'same');
    assert.ok(read.length >= bundled.length / 2, `only ${read.join(', ')} of ${bundled.length} read`);
  });

  it('agrees with yaml on 3,000 generated documents', () => {
    const random = prng(20261128);
    let accepted = 0;
    for (let n = 0; n < 3000; n++) if (compare(generate(random)) === 'same') accepted++;
    // Not a guarantee about the reader, a check on the generator: the comparison must be exercised.
    assert.ok(accepted > 300, `only ${accepted} of 3000 generated documents were accepted`);
  });

  it('agrees with yaml on 20,000 random edits of documents it accepts', () => {
    const random = prng(7);
    const seeds: string[] = [];
    while (seeds.length < 200) {
      const text = generate(random);
      if (parseSimpleYaml(text)) seeds.push(text);
    }
    let accepted = 0;
    for (let n = 0; n < 20000; n++) {
      let text = seeds[n % seeds.length];
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) text = mutate(text, random);
      if (compare(text) === 'same') accepted++;
    }
    assert.ok(accepted > 2000, `only ${accepted} edits were accepted`);
  });

  it('gives the loader the same entities, sources and diagnostics as yaml would', () => {
    // Through the loader: a file the reader takes, and the same file with a block scalar it
    // leaves to yaml (keep, `>+`); only the block-scalar entity differs.
    const entity = (id: string, summary: string) =>
      `  - id: ${id}\n    kind: state\n    name: "${id}"\n    aliases: [A, 'B']\n    summary: ${summary}\n    colour: red\n    relations:\n      - type: borders\n        target: nowhere\n        negated: maybe\n        evidence:\n          - { source: s, paragraph: p1, quote: "q", extra: 1 }\n`;
    const simpleText = `entities:\n${entity('alpha', 'S.')}${entity('Bad_Id', 'S.')}`;
    const yamlText = `${simpleText}${entity('gamma', '>+\n      folded')}`;
    assert.ok(parseSimpleYaml(simpleText) && !parseSimpleYaml(yamlText));
    const simple = readEntityFile({ uri: 'file:///a.yaml', text: simpleText, origin: 'workspace' });
    const viaYaml = readEntityFile({ uri: 'file:///a.yaml', text: yamlText, origin: 'workspace' });
    assert.deepEqual(simple.entities, viaYaml.entities.slice(0, simple.entities.length));
    const before = (d: { range: { start: { line: number } } }) => d.range.start.line < simpleText.split('\n').length - 1;
    assert.deepEqual(simple.file.diagnostics, viaYaml.file.diagnostics.filter(before));
    assert.ok(simple.file.diagnostics.length >= 4, 'the fixture has problems to compare');

    const source = 'id: s\ntitle: T\nauthor: A\nyear: 2021\nparagraphs:\n  - { id: p1, section: "", text: "q" }\n  - { id: p3, text: "r" }\n';
    const a = readSourceFile({ uri: 'file:///s.yaml', text: source, origin: 'bundled' });
    const b = readSourceFile({ uri: 'file:///s.yaml', text: `${source}captions: >-\n  x\n`, origin: 'bundled' });
    assert.deepEqual(a.source?.paragraphs, b.source?.paragraphs);
    assert.deepEqual(a.file.diagnostics, b.file.diagnostics.filter((d) => d.range.start.line < 7));
  });

  it('takes an id YAML reads as a number as it is written, by either reader', () => {
    const file = (id: string) => `entities:\n  - id: ${id}\n    kind: group\n    name: N ${id}\n    summary: S.\n`;
    for (const id of ['2021', '007', '1e3', '0x1f']) {
      const read = readEntityFile({ uri: 'file:///a.yaml', text: file(id), origin: 'workspace' });
      assert.deepEqual(read.entities.map((e) => e.id), [id]);
      assert.deepEqual(read.file.diagnostics, []);
    }
    assert.ok(parseSimpleYaml(file('2021')), 'a plain integer stays with the fast reader');
    assert.equal(parseSimpleYaml(file('007')), undefined, 'a leading zero goes to yaml, which keeps how it was written');
  });

  it('keeps the types of the nodes it builds apart', () => {
    const root = parseSimpleYaml('a: [x]\nb: { c: 1 }\nd:\n  - e\n');
    assert.ok(root instanceof SimpleMap);
    assert.ok(root.get('a') instanceof SimpleSeq);
    assert.ok(root.get('b') instanceof SimpleMap);
    assert.equal((root.get('b') as SimpleMap).get('c')?.constructor, SimpleScalar);
    assert.equal(((root.get('b') as SimpleMap).get('c') as SimpleScalar).value, 1);
  });
});
