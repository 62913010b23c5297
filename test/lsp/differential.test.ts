/**
 * Faults under load, through the real server process over stdio (issue 6):
 *
 * - a differential test: thousands of random incremental edits (seeded), and after each batch
 *   the diagnostics the server publishes for the latest version equal the core's `validate` on
 *   the same text in-process (same KB: the server's BRIEF_DATA_DIR is the mini KB, and the
 *   in-process project is `miniProject()`);
 * - hover and completion requests interleaved with the edits, some cancelled at once: no crash,
 *   no error logged, and no answer for the wrong version. A hover or completion answer is for
 *   the right version when it equals the core's answer on the text as it was when the request
 *   was sent (the edits before it in the message stream, none after); a cancelled request may
 *   instead answer empty or with RequestCancelled;
 * - `$/cancelRequest` on long requests (references, workspace symbols) over a large workspace.
 *
 * Run `npm run build` first. Seeds are fixed; BRIEF_DIFF_SEED replays another.
 */
import { prng } from '../helpers/prng';
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CancellationTokenSource,
  ResponseError,
  type CompletionItem,
  type CompletionList,
  type Hover,
  type Location,
  type Position,
  type SymbolInformation,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { createLanguageService } from '../../server/src/core/languageService';
import type { Project } from '../../server/src/core/project';
import { miniProject } from '../helpers/fixtures';
import { LspClient, makeFolder, uriOf, writeFile } from './lspClient';
import { completionKindFor } from '../../server/src/node/kindsForClient';

const SEED = Number(process.env.BRIEF_DIFF_SEED ?? 20261128);

const START = `---
title: Differential brief
sources: [mini-2021]
---
# Central Asia after August 2021

@Tajikistan and @[Xi Jinping] met; @CSTO and @SCO watched [^mini-2021:p1].
- claim: @Uzbekistan not member-of @CSTO [^mini-2021:p1]
- claim: @Tajikistan member-of @CSTO
> claim: @Russia participates-in @[Joint Western-2021]
%% brief-disable-next-line unknown-reference
@Nobody is excused here.

\`\`\`
@Nobody in code
\`\`\`

## Open questions
Will @Georgia or @Tajikstan matter? See [^nowhere:p2] and [^mini-2021:p9].
`;

/** Text an edit may insert: syntax fragments, line breaks of every kind, awkward characters. */
const FRAGMENTS = [
  '@', '@[', ']', '[^', 'mini-2021', ':p', '2', 'claim: ', ' not ', 'member-of', ' borders ', '%%', '%% brief-disable ', '`', '```',
  '---', '# ', '> ', '- ', '\\@', ' ', 'a', 'Tajik', 'istan', '@Tajikistan', '@[Xi Jinping]', '@CSTO', '@Nobody', '@Georgia',
  '[^mini-2021:p2]', '[^mini-2021:p1-p3]', '\n', '\r\n', '\r', '\n\n', '😀', 'é', '\uD800', '\u0000', '\t', 'title: x', 'sources: [nowhere]',
];

/** Whole paragraphs an edit may paste. */
const PARAGRAPHS = [
  'claim: @China borders @Tajikistan [^mini-2021:p2]\n',
  '\n## Pasted section\n@Russia leads @[Vladimir Putin] — claim: not at line start\n',
  '- claim: @Putin member-of @CSTO\n- claim: @Tajikistan memberof @CSTO\n- claim: @Tajikistan @CSTO\n',
  '```\nclaim: @Nobody leads @Nobody\n```\n',
  '%% brief-disable\n@Nobody [^nowhere]\n%% brief-enable unknown-source\n[^nowhere]\n',
  '---\ntitle: A second front matter is prose\n---\n',
  '> @[ETH Zurich] @eth-zurich @[ETH Zürich] @US @U.S. @[U.S.]\n',
  'See @[Xi Jinping and @Nobody [^nowhere\n',
];

interface Edit {
  readonly changes: TextDocumentContentChangeEvent[];
}

/** Random edits on a text: insertions, deletions, pastes, replacements, and undo of the last edit. */
class EditMaker {
  private readonly undo: { start: number; insertedLength: number; removed: string }[] = [];
  constructor(private readonly random: () => number) {}

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** One notification's changes against `doc`, each applied after the one before (as LSP says). */
  next(doc: TextDocument): Edit {
    const changes: TextDocumentContentChangeEvent[] = [];
    let text = doc.getText();
    let current = doc;
    const count = this.random() < 0.15 ? 2 + this.int(2) : 1;
    for (let k = 0; k < count; k++) {
      const { start, end, insert } = this.one(text);
      const change = { range: { start: current.positionAt(start), end: current.positionAt(end) }, text: insert };
      changes.push(change);
      this.undo.push({ start, insertedLength: insert.length, removed: text.slice(start, end) });
      if (this.undo.length > 20) this.undo.shift();
      current = TextDocument.update(TextDocument.create(doc.uri, 'brief', 0, text), [change], 1);
      text = current.getText();
    }
    return { changes };
  }

  private one(text: string): { start: number; end: number; insert: string } {
    const r = this.random();
    const at = this.int(text.length + 1);
    const tooLong = text.length > 12_000;
    if (r < 0.12 && this.undo.length > 0) {
      // Undo the last edit, as an editor's undo would: put back what it removed.
      const last = this.undo.pop() as { start: number; insertedLength: number; removed: string };
      const start = Math.min(last.start, text.length);
      return { start, end: Math.min(text.length, start + last.insertedLength), insert: last.removed };
    }
    if (r < 0.45 && !tooLong) return { start: at, end: at, insert: this.pick(FRAGMENTS) };
    if (r < 0.7 || tooLong) {
      const length = this.random() < 0.8 ? 1 + this.int(8) : 1 + this.int(tooLong ? 3000 : 300);
      return { start: at, end: Math.min(text.length, at + length), insert: '' };
    }
    if (r < 0.82) return { start: at, end: at, insert: this.pick(PARAGRAPHS) };
    const length = 1 + this.int(12);
    return { start: at, end: Math.min(text.length, at + length), insert: this.pick(FRAGMENTS) };
  }
}

/** Diagnostics as plain JSON, so that an in-process list compares with one that crossed the wire. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

function itemsOf(result: CompletionList | CompletionItem[] | null): CompletionItem[] {
  if (!result) return [];
  return Array.isArray(result) ? result : result.items;
}

/** Whether an error is the JSON-RPC RequestCancelled answer. */
function isCancelled(error: unknown): boolean {
  return error instanceof ResponseError && error.code === -32800;
}

/** Errors the server reported about itself: failed handlers (window/logMessage) and stderr. */
function serverErrors(client: LspClient): string[] {
  const logged = client.logs.filter((m) => /failed|unhandled|error/i.test(m) && !/^Loaded |^Indexed |^Checked |^Re-checking /.test(m));
  return [...logged, ...(client.stderr.trim() ? [`stderr: ${client.stderr.trim()}`] : [])];
}

const running: LspClient[] = [];
const folders: string[] = [];

async function start(files: Record<string, string> = {}): Promise<{ client: LspClient; folder: string }> {
  const folder = makeFolder(files);
  folders.push(folder);
  const client = await LspClient.start({ folder });
  running.push(client);
  return { client, folder };
}

afterEach(async function () {
  for (const client of running.splice(0)) {
    if (this.currentTest?.state === 'failed') client.kill();
    else await client.stop().catch(() => client.kill());
  }
  for (const f of folders.splice(0)) fs.rmSync(f, { recursive: true, force: true });
});

describe('the server under random edits (differential, seeded)', function () {
  this.timeout(180_000);
  let project: Project;

  before(async () => {
    project = (await miniProject()).project;
  });

  it('after each of 40 batches of 50 random edits, the published diagnostics equal a fresh in-process validation of the same text', async () => {
    const { client, folder } = await start();
    const uri = uriOf(path.join(folder, 'differential.brief'));
    const language = createLanguageService();
    const random = prng(SEED);
    const maker = new EditMaker(random);
    let doc = TextDocument.create(uri, 'brief', 1, START);
    await client.open(uri, START, 1);
    let compared = 0;
    let nonEmpty = 0;
    let edits = 0;
    for (let batch = 0; batch < 40; batch++) {
      for (let i = 0; i < 50; i++) {
        const edit = maker.next(doc);
        doc = TextDocument.update(doc, edit.changes, doc.version + 1);
        await client.change(uri, doc.version, edit.changes);
        edits += edit.changes.length;
      }
      const published = await client.waitForDiagnostics(uri, { minVersion: doc.version });
      assert.equal(published.version, doc.version);
      const expected = language.validate(TextDocument.create(uri, 'brief', doc.version, doc.getText()), project);
      assert.deepEqual(
        plain(published.diagnostics),
        plain(expected),
        `batch ${batch} (version ${doc.version}, seed ${SEED}): the server's diagnostics differ from a fresh validation of:\n${JSON.stringify(doc.getText())}`,
      );
      compared++;
      if (expected.length > 0) nonEmpty++;
    }
    assert.equal(compared, 40);
    assert.ok(edits >= 2000, `${edits} edits`);
    assert.ok(nonEmpty >= 20, `only ${nonEmpty} batches had diagnostics to compare`);
    assert.deepEqual(serverErrors(client), []);
    assert.equal(client.process.exitCode, null, 'the server is still running');
  });

  it('hover and completion interleaved with edits, some cancelled: each answer is for the text it was asked about', async () => {
    const { client, folder } = await start();
    const uri = uriOf(path.join(folder, 'interleaved.brief'));
    const language = createLanguageService();
    const random = prng(SEED + 1);
    const maker = new EditMaker(random);
    let doc = TextDocument.create(uri, 'brief', 1, START);
    await client.open(uri, START, 1);
    await client.waitForDiagnostics(uri, { minVersion: 1 });

    type Asked = { kind: 'hover' | 'completion'; version: number; text: string; position: Position; cancelled: boolean; answer: Promise<{ ok: unknown } | { error: unknown }> };
    const asked: Asked[] = [];
    const ask = (kind: Asked['kind']) => {
      const text = doc.getText();
      const offset = Math.floor(random() * (text.length + 1));
      const position = doc.positionAt(offset);
      const cancelled = random() < 0.3;
      const source = new CancellationTokenSource();
      const method = kind === 'hover' ? 'textDocument/hover' : 'textDocument/completion';
      const answer = client.request<unknown>(method, { textDocument: { uri }, position }, source.token).then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      );
      if (cancelled) source.cancel();
      asked.push({ kind, version: doc.version, text, position, cancelled, answer });
    };

    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 30; i++) {
        if (random() < 0.3) ask(random() < 0.6 ? 'hover' : 'completion');
        const edit = maker.next(doc);
        doc = TextDocument.update(doc, edit.changes, doc.version + 1);
        await client.change(uri, doc.version, edit.changes);
      }
      ask('hover');
      await client.waitForDiagnostics(uri, { minVersion: doc.version });
    }

    let honoured = 0;
    let answeredInFull = 0;
    for (const a of asked) {
      const got = await a.answer;
      const asOf = TextDocument.create(uri, 'brief', a.version, a.text);
      const expected = a.kind === 'hover' ? language.hover(asOf, project, a.position) : language.complete(asOf, project, a.position);
      const where = `${a.kind} at ${a.position.line}:${a.position.character} of version ${a.version}${a.cancelled ? ' (cancelled)' : ''}`;
      if ('error' in got) {
        assert.ok(a.cancelled && isCancelled(got.error), `${where}: an error answer: ${String(got.error)}`);
        honoured++;
        continue;
      }
      const answer = a.kind === 'hover' ? (got.ok as Hover | null) : itemsOf(got.ok as CompletionList | null);
      // This client does not say it shows label details: the server leaves them out (handlers.ts);
      // nor which kinds it knows: the server sends the first 18's stand-ins (kindsForClient.ts).
      const wanted = a.kind === 'hover' ? expected : itemsOf(expected as CompletionList).map(({ labelDetails: _shownElsewhere, ...item }) => ({ ...item, kind: completionKindFor(item.kind, undefined) }));
      const empty = answer === null || (Array.isArray(answer) && answer.length === 0);
      if (a.cancelled && empty) {
        honoured++;
        continue;
      }
      assert.deepEqual(plain(answer), plain(wanted), `${where}: the answer is not the one for the text it was asked about`);
      if (!empty) answeredInFull++;
    }
    assert.ok(asked.length >= 100, `${asked.length} requests`);
    assert.ok(answeredInFull >= 20, `only ${answeredInFull} requests had a non-empty answer to compare`);
    console.log(`      ${asked.length} requests, ${asked.filter((a) => a.cancelled).length} cancelled (${honoured} answered empty or RequestCancelled), ${answeredInFull} non-empty answers compared`);
    assert.deepEqual(serverErrors(client), []);
    assert.equal(client.process.exitCode, null);
  });

  it('a hover sent while the workspace is still loading, then an edit: the answer is for the text it was asked about', async () => {
    // The first request of a session waits for the folder's KB to load (disk reads); an edit
    // that arrives meanwhile must not change the text the hover is computed on.
    const language = createLanguageService();
    const text = 'Before @Tajikistan after.\n';
    const position: Position = { line: 0, character: 9 }; // inside @Tajikistan
    const inserted = '@Uzbekistan ';
    const expected = language.hover(TextDocument.create('file:///x.brief', 'brief', 1, text), project, position);
    const wrong = language.hover(TextDocument.create('file:///x.brief', 'brief', 2, inserted + text), project, position);
    assert.ok(expected?.range, 'the in-process hover is on @Tajikistan');
    assert.notDeepEqual(plain(wrong), plain(expected), 'in version 2 the same position is on @Uzbekistan');
    for (let attempt = 0; attempt < 3; attempt++) {
      // Many briefs to index, so that loading the workspace takes a while.
      const files: Record<string, string> = {};
      for (let i = 0; i < 300; i++) files[`b${i}.brief`] = `# Brief ${i}\n@Tajikistan @CSTO [^mini-2021:p1]\n`.repeat(20);
      const { client, folder } = await start(files);
      const uri = uriOf(path.join(folder, 'race.brief'));
      await client.open(uri, text, 1);
      const hover = client.hover(uri, position);
      // Insert a reference before the other: in version 2, position 0:9 is inside @Uzbekistan.
      await client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: inserted }]);
      const answer = await hover;
      const which = JSON.stringify(plain(answer)) === JSON.stringify(plain(wrong)) ? ' — it is the hover of version 2, sent after the request (@Uzbekistan)' : '';
      assert.deepEqual(plain(answer), plain(expected), `attempt ${attempt}: the hover was computed on another version of the text${which}`);
      await client.waitForDiagnostics(uri, { minVersion: 2 });
      assert.deepEqual(serverErrors(client), []);
      await client.stop();
      running.splice(running.indexOf(client), 1);
    }
  });
});

describe('the check of closed briefs after indexing', function () {
  this.timeout(120_000);

  it('gives way to requests but never stops: every closed brief is published while requests come without a pause', async () => {
    // Enough briefs that their check takes many slices: between two slices the server waits for
    // a pause in the requests, at most 100 ms (session.ts BUSY_WAIT_MS), then goes on.
    const BRIEFS = 80;
    const files: Record<string, string> = {};
    for (let b = 0; b < BRIEFS; b++) {
      files[`briefs/b${b}.brief`] = Array.from({ length: 60 }, (_, l) => `Line ${l}: @Tajikstan${b} near @CSTO [^mini-2021:p1], and @Tajikistan.`).join('\n');
    }
    const { client, folder } = await start(files);
    const openUri = uriOf(path.join(folder, 'open.brief'));
    writeFile(folder, 'open.brief', '@Tajikistan\n');
    await client.open(openUri, '@Tajikistan\n', 1);
    await client.waitForDiagnostics(openUri, { minVersion: 1 });
    const uris = Object.keys(files).map((name) => uriOf(path.join(folder, name)));
    let published = false;
    const all = Promise.all(uris.map((uri) => client.waitForDiagnostics(uri))).then((lists) => {
      published = true;
      return lists;
    });
    let hovers = 0;
    while (!published) {
      assert.ok(await client.hover(openUri, { line: 0, character: 3 }), 'a hover on @Tajikistan');
      hovers++;
    }
    const lists = await all;
    for (const list of lists) assert.deepEqual([...new Set(list.diagnostics.map((d) => d.code))], ['unknown-reference'], list.uri);
    console.log(`      ${BRIEFS} closed briefs published during ${hovers} back-to-back hovers`);
    assert.ok(hovers > 0);
    assert.deepEqual(serverErrors(client), []);
  });
});

describe('$/cancelRequest on long requests over a large workspace', function () {
  this.timeout(180_000);
  /** Briefs × references per brief: enough that finding every reference takes a while. */
  const BRIEFS = 400;
  const LINES = 150;

  let client: LspClient;
  let folder: string;
  let openUri: string;

  before(async function () {
    const files: Record<string, string> = {};
    for (let b = 0; b < BRIEFS; b++) {
      const lines = [`# Brief ${b}`];
      for (let l = 0; l < LINES; l++) lines.push(`## Section ${b}.${l}\n@Tajikistan and @Tajikistan again, with @CSTO [^mini-2021:p1].`);
      files[`briefs/b${b}.brief`] = lines.join('\n');
    }
    // Not in `running`: this server serves every test of the block, failed or not.
    folder = makeFolder(files);
    client = await LspClient.start({ folder });
    openUri = uriOf(path.join(folder, 'open.brief'));
    writeFile(folder, 'open.brief', '@Tajikistan\n');
    await client.open(openUri, '@Tajikistan\n', 1);
    await client.waitForDiagnostics(openUri, { minVersion: 1 });
    const caps = client.initializeResult?.capabilities ?? {};
    assert.ok(caps.referencesProvider, 'the server advertises textDocument/references');
    assert.ok(caps.workspaceSymbolProvider, 'the server advertises workspace/symbol');
    // Wait until the workspace is indexed: asked again and again, the references reach every brief.
    for (let tries = 0; ; tries++) {
      const found = await client.request<Location[]>('textDocument/references', references());
      if (found.length >= EXPECTED_REFERENCES) break;
      assert.ok(tries < 200, `the workspace was not indexed: ${found.length} references found`);
    }
  });

  after(async () => {
    await client?.stop().catch(() => client.kill());
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  const EXPECTED_REFERENCES = BRIEFS * LINES * 2 + 1;
  const references = () => ({ textDocument: { uri: openUri }, position: { line: 0, character: 3 }, context: { includeDeclaration: true } });

  /** The full answer and the wall time of the request, in ms. */
  async function timed<T>(method: string, params: unknown): Promise<{ result: T; ms: number }> {
    const t0 = process.hrtime.bigint();
    const result = await client.request<T>(method, params);
    return { result, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  }

  const LONG_REQUESTS: [string, () => unknown][] = [
    ['textDocument/references', references],
    ['workspace/symbol', () => ({ query: '' })],
  ];
  for (const [method, params] of LONG_REQUESTS) {
    it(`${method}: cancelled at once, it answers empty or RequestCancelled, and the server goes on`, async () => {
      const full = await timed<(Location | SymbolInformation)[]>(method, params());
      // References list every one; workspace symbols are capped (the server sends the best few hundred).
      assert.ok(full.result.length >= (method === 'workspace/symbol' ? 100 : BRIEFS * LINES), `the full answer has ${full.result.length} items`);
      let honoured = 0;
      for (let i = 0; i < 20; i++) {
        try {
          const r = await client.requestCancelled<unknown[] | null>(method, params());
          if (!r || r.length < full.result.length) honoured++;
        } catch (error) {
          assert.ok(isCancelled(error), String(error));
          honoured++;
        }
      }
      assert.equal(honoured, 20, `only ${honoured} of 20 requests cancelled at once were answered without the full result (the others were computed and sent in full)`);
      assert.deepEqual(serverErrors(client), []);
    });

    it(`${method}: cancelled while the server computes it, it stops early (answer not the full result, and sooner)`, async () => {
      const full = await timed<unknown[]>(method, params());
      const again = await timed<unknown[]>(method, params());
      const fullMs = Math.min(full.ms, again.ms);
      // Cancel a fortieth of the way through a full run. Most of a full run is encoding, sending
      // and decoding the answer (120,000 locations), which nothing can cancel; the computing
      // comes first and takes a few tens of ms, so a later cancel lands after it about as often
      // as not (a tenth of the way, tried first, failed on a clean CI run).
      const source = new CancellationTokenSource();
      const t0 = process.hrtime.bigint();
      const answer = client.request<unknown[] | null>(method, params(), source.token).then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      );
      await new Promise((resolve) => setTimeout(resolve, fullMs / 40));
      source.cancel();
      const tCancel = Number(process.hrtime.bigint() - t0) / 1e6;
      const got = await answer;
      const tAnswer = Number(process.hrtime.bigint() - t0) / 1e6;
      const afterCancel = (tAnswer - tCancel) / fullMs;
      const complete = 'ok' in got && Array.isArray(got.ok) && got.ok.length === full.result.length;
      console.log(`      ${method}: full answer ${full.result.length} items in ${fullMs.toFixed(0)} ms; cancelled at ${tCancel.toFixed(0)} ms, answered ${(tAnswer - tCancel).toFixed(0)} ms later (${afterCancel.toFixed(2)} of a full run), ${complete ? 'with the full result' : 'early'}`);
      // The server looks for a cancellation at least every 10 ms of work: a run of 50 ms gives
      // it several chances, so a cancel a fortieth of the way in must land while it computes.
      assert.ok(fullMs >= 50, `the request takes only ${fullMs.toFixed(0)} ms: too short to cancel half-way; make the workspace larger`);
      assert.ok(!complete, `the cancelled ${method} still computed and sent its full result (${full.result.length} items)`);
      assert.ok(afterCancel <= 0.5, `the answer came ${afterCancel.toFixed(2)} of a full run after the cancel`);
      if ('error' in got) assert.ok(isCancelled(got.error), String(got.error));
      assert.deepEqual(serverErrors(client), []);
    });
  }

  it('after all the cancellations, the server still answers in full', async () => {
    const r = await client.request<Location[]>('textDocument/references', references());
    assert.ok(r.length >= BRIEFS * LINES);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: openUri }, position: { line: 0, character: 3 } });
    assert.ok(hover);
    assert.equal(client.process.exitCode, null);
  });
});
