/**
 * Tables of the docs that restate what the code holds: a change to one without the other fails.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ENTITY_KINDS, PREDICATES } from '../../server/src/core/kinds';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

/** The rows of the Markdown table whose header row starts with `header`, as lists of cells. */
function tableAfter(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  assert.ok(start >= 0, `no table with the header '${header}'`);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  return rows;
}

const kinds = (cell: string) => (cell === 'any kind' ? [...ENTITY_KINDS] : cell.split(', '));

describe('the docs', () => {
  for (const file of ['README.md', 'docs/brief-language.md']) {
    it(`${file}: the predicate table is the one the checks use (core/kinds.ts)`, () => {
      const rows = tableAfter(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), '| predicate | subject kinds | object kinds | symmetric |');
      const table = Object.fromEntries(rows.map(([name, subject, object, symmetric]) => [name.replace(/`/g, ''), { subject: kinds(subject), object: kinds(object), symmetric: symmetric === 'yes' }]));
      const code = Object.fromEntries(Object.entries(PREDICATES).map(([name, p]) => [name, { subject: [...p.subject], object: [...p.object], symmetric: p.symmetric }]));
      assert.deepEqual(table, code);
    });
  }
});

describe('the README: examples quoted from the source', () => {
  it('a paragraph shown beside its id in completion (`pN  How it begins…`) begins so in the source', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const source = parseYaml(fs.readFileSync(path.join(REPO_ROOT, 'data', 'sources', 'carlson-2021.yaml'), 'utf8')) as { paragraphs: { id: string; text: string }[] };
    const examples = [...readme.matchAll(/`(p\d+) {2}([^`…]+)…`/g)];
    assert.ok(examples.length > 0, 'the README shows no paragraph preview');
    for (const [, id, start] of examples) {
      const paragraph = source.paragraphs.find((p) => p.id === id);
      assert.ok(paragraph, `the README shows ${id}, which the source does not have`);
      assert.ok(paragraph.text.startsWith(start), `the README shows ${id} as beginning '${start}…', but it begins '${paragraph.text.slice(0, 48)}…'`);
    }
  });
});
