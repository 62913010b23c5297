/**
 * The measurements that go through a server process: start-up, open, edit, hover, completion,
 * workspace indexing and find references. Each runs the same way on every server; each checks
 * what it can of the answers (diagnostic counts against what was planted, reference counts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { performance } from 'perf_hooks';
import type { Position } from 'vscode-languageserver-protocol/node';
import { collectClientHeap } from './clientHeap';
import { LspSession, type ServerSpec } from './lspDriver';
import type { GeneratedDocument, GeneratedWorkspace, ReferenceSite, Site } from './generate';

/** A check of an answer against what was planted. */
export interface Check {
  readonly what: string;
  readonly expected: number;
  readonly found: number;
}

export interface StartupResult {
  readonly spawnToInitialized: number[];
  /** Spawn to the first diagnostics of a small document: start-up including the KB load. */
  readonly spawnToReady: number[];
  readonly peakRss: number[];
  readonly logs: string[];
  /** The binary that ran the server process, from /proc/<pid>/exe. */
  exe: string;
}

/** The binary a process runs, read from /proc. */
export function exeOf(pid: number): string {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return 'unknown';
  }
}

/** A tiny document in the server's language, with one unknown reference. */
export function tinyDocument(languageId: string): { ext: string; text: string } {
  return languageId === 'markdown'
    ? { ext: 'md', text: '# Ready\n\nSee [Nowhere][nowhere-at-all].\n' }
    : { ext: 'brief', text: '# Ready\n\nSee @[Nowhere At All].\n' };
}

/** Opens a tiny document and waits for its diagnostics: the server has loaded what it needs. */
export async function waitReady(session: LspSession, folder: string): Promise<number> {
  const tiny = tinyDocument(session.spec.languageId);
  const uri = pathToFileURL(path.join(folder, `ready-${process.hrtime.bigint()}.${tiny.ext}`)).toString();
  await session.openAndDiagnose(uri, tiny.text);
  const at = performance.now();
  await session.close(uri);
  return at;
}

/** Spawns the server `runs` times (after `warmup` unmeasured starts) and times initialize and readiness. */
export async function measureStartup(spec: ServerSpec, folder: string, runs: number, warmup: number, onStart?: (i: number) => void): Promise<StartupResult> {
  const result: StartupResult = { spawnToInitialized: [], spawnToReady: [], peakRss: [], logs: [], exe: '' };
  for (let i = 0; i < warmup + runs; i++) {
    onStart?.(i);
    const t0 = performance.now();
    const session = await LspSession.start(spec, [folder]);
    result.exe ||= exeOf(session.pid);
    const ready = await waitReady(session, folder);
    if (i >= warmup) {
      result.spawnToInitialized.push(session.spawnToInitialized);
      result.spawnToReady.push(ready - t0);
      result.peakRss.push(session.peakRss());
      result.logs.push(...session.logs);
    }
    await session.stop();
  }
  return result;
}

export interface DocumentResult {
  readonly server: string;
  readonly spawnToReady: number;
  /** The very first open of the text in this server (a warm-up run: nothing cached for it yet). */
  readonly firstOpen: number;
  /** The session's first hover (a warm-up run), after its opens and edits; NaN without hovers. */
  readonly firstHover: number;
  /** didOpen → diagnostics after warm-up, each under a fresh document URI. */
  readonly open: number[];
  readonly edit: number[];
  readonly hover: number[];
  readonly completion: number[];
  /** Hover answers with content, completion answers with items. */
  readonly hoverAnswered: number;
  readonly completionAnswered: number;
  readonly peakRss: number;
  readonly checks: Check[];
  readonly logs: string[];
}

export interface DocumentPlan {
  readonly label: string;
  readonly document: GeneratedDocument;
  readonly openRuns: number;
  readonly editRuns: number;
  readonly warmup: number;
  /** Hover and completion requests (0: none). */
  readonly requests: number;
  readonly completionRequests?: number;
}

/** One server session over one document: opens, edits, hovers and completions. */
export async function measureDocument(spec: ServerSpec, folder: string, plan: DocumentPlan, log: (m: string) => void): Promise<DocumentResult> {
  const markdown = spec.languageId === 'markdown';
  const text = markdown ? plan.document.markdown : plan.document.brief;
  const ext = markdown ? 'md' : 'brief';
  const expected = plan.document.plantedUnknown;
  const checks: Check[] = [];
  const check = (what: string, found: number) => {
    if (found !== expected) checks.push({ what, expected, found });
  };
  const slug = plan.label.replace(/\W+/g, '');
  const uriFor = (name: string) => pathToFileURL(path.join(folder, `${slug}-${name}.${ext}`)).toString();

  const t0 = performance.now();
  const session = await LspSession.start(spec, [folder]);
  const spawnToReady = (await waitReady(session, folder)) - t0;
  try {
    collectClientHeap();
    const open: number[] = [];
    let firstOpen = NaN;
    for (let i = 0; i < plan.warmup + plan.openRuns; i++) {
      const uri = uriFor(`open${i}`);
      const r = await session.openAndDiagnose(uri, text);
      if (i === 0) firstOpen = r.ms;
      if (i >= plan.warmup) open.push(r.ms);
      check(`diagnostics after open ${i}`, r.diagnostics.length);
      await session.close(uri);
    }
    log(`    open: first ${firstOpen.toFixed(0)} ms, then ${open.map((x) => x.toFixed(0)).join(' ')} ms`);

    const editUri = uriFor('edit');
    check('diagnostics of the document to edit', (await session.openAndDiagnose(editUri, text)).diagnostics.length);
    const at = markdown ? plan.document.editAt.md : plan.document.editAt.brief;
    const edit: number[] = [];
    // Not again before the hovers: the session's first hover would then come after the bench's
    // own pause and first steps after a full collection, which it would count (5.7–10.3 ms in
    // three runs, against 2.3 without; 2.0 of them in the server).
    collectClientHeap();
    for (let i = 0; i < plan.warmup + plan.editRuns; i++) {
      // Type one character, then delete it: the text alternates between two versions.
      const change =
        i % 2 === 0
          ? { range: { start: at, end: at }, text: 'x' }
          : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
      const r = await session.editAndDiagnose(editUri, change);
      if (i >= plan.warmup) edit.push(r.ms);
      check(`diagnostics after edit ${i}`, r.diagnostics.length);
    }
    log(`    edit: ${edit.map((x) => x.toFixed(0)).join(' ')} ms`);

    const hover: number[] = [];
    let firstHover = NaN;
    const completion: number[] = [];
    let hoverAnswered = 0;
    let completionAnswered = 0;
    if (plan.requests > 0) {
      const sites = spread(plan.document.references.filter((r) => r.entity !== undefined), plan.requests + plan.warmup * 5);
      for (let i = 0; i < sites.length && session.supports('hover'); i++) {
        const site = markdown ? sites[i].md : sites[i].brief;
        const r = await session.hover(editUri, { line: site.line, character: site.nameCol + 1 });
        if (i === 0) firstHover = r.ms;
        if (i >= plan.warmup * 5) {
          hover.push(r.ms);
          if (r.result) hoverAnswered++;
        }
      }
      const completionSites = sites.slice(0, (plan.completionRequests ?? plan.requests) + plan.warmup * 5);
      for (let i = 0; i < completionSites.length && session.supports('completion'); i++) {
        const r = await session.completion(editUri, completionPosition(markdown ? completionSites[i].md : completionSites[i].brief, i));
        if (i >= plan.warmup * 5) {
          completion.push(r.ms);
          const items = Array.isArray(r.result) ? r.result : (r.result?.items ?? []);
          if (items.length > 0) completionAnswered++;
        }
      }
    }
    return { server: spec.name, spawnToReady, firstOpen, open, edit, firstHover, hover, completion, hoverAnswered, completionAnswered, peakRss: session.peakRss(), checks, logs: session.logs };
  } finally {
    await session.stop();
  }
}

/** Inside a name or label, after 1–3 typed characters: what completion sees while the analyst types. */
function completionPosition(site: Site, i: number): Position {
  return { line: site.line, character: site.nameCol + Math.min(site.nameLength, 1 + (i % 3)) };
}

/** `n` items spread evenly over the list (repeating when it is shorter). */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length === 0) return [];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n) % items.length]);
}

export interface WorkspaceResult {
  readonly server: string;
  /** False when the server has no `textDocument/references`: nothing else was measured. */
  readonly implemented: boolean;
  /** initialized → end of the server's work-done progress (Brief), or the first references request (peer, which indexes lazily). */
  readonly indexing?: number;
  readonly progressTitles: string[];
  readonly references: number[];
  readonly checks: Check[];
  readonly peakRss: number;
  readonly note?: string;
}

/** Indexing and find references over the workspace of small briefs (or their Markdown twins). */
export async function measureWorkspace(spec: ServerSpec, ws: GeneratedWorkspace, runs: number, log: (m: string) => void): Promise<WorkspaceResult> {
  const markdown = spec.languageId === 'markdown';
  const folder = markdown ? ws.mdFolder : ws.briefFolder;
  // Before the server starts: Brief's first requests come right after its indexing ends, while it
  // checks the closed briefs, and a collection then would move them later.
  collectClientHeap();
  const session = await LspSession.start(spec, [folder]);
  try {
    if (!session.supports('references')) {
      return { server: spec.name, implemented: false, progressTitles: [], references: [], checks: [], peakRss: session.peakRss(), note: 'no textDocument/references in the server capabilities' };
    }
    // The entities to look up: the most mentioned, a middling one and a rare one.
    const ranked = [...ws.referenceCounts.entries()].sort((a, b) => b[1] - a[1]);
    const targets = [0, Math.floor(ranked.length / 20), Math.floor(ranked.length / 4), Math.floor(ranked.length / 2), ranked.length - 1].map((i) => ranked[i]);
    const checks: Check[] = [];
    let indexing: number | undefined;
    let note: string | undefined;
    if (!markdown) {
      await session.progressSettled(5000);
      const done = session.progress.filter((p) => p.end !== undefined);
      if (done.length > 0) indexing = Math.max(...done.map((p) => p.end ?? 0)) - session.initializedAt;
      else note = 'no window/workDoneProgress reported within 5 s of initialized';
    }
    const references: number[] = [];
    const opened = new Set<string>();
    for (let round = 0; round < Math.ceil(runs / targets.length) + 1; round++) {
      for (const [id, count] of targets) {
        const mention = ws.firstMention.get(id);
        if (!mention) continue;
        let uri: string;
        let position: Position;
        if (markdown) {
          // The peer finds references of a heading across the workspace: the entity's heading in entities.md.
          const file = path.join(ws.mdFolder, 'entities.md');
          uri = pathToFileURL(file).toString();
          const line = fs.readFileSync(file, 'utf8').split('\n').indexOf(`## ${id}`);
          position = { line, character: 4 };
          if (!opened.has(uri)) await session.openAndDiagnose(uri, fs.readFileSync(file, 'utf8'));
        } else {
          uri = pathToFileURL(mention.file).toString();
          position = { line: mention.site.brief.line, character: mention.site.brief.nameCol + 1 };
          if (!opened.has(uri)) await session.openAndDiagnose(uri, fs.readFileSync(mention.file, 'utf8'));
        }
        opened.add(uri);
        const r = await session.references(uri, position);
        const found = r.result?.length ?? 0;
        if (markdown && indexing === undefined) indexing = r.ms; // first request: the peer reads and parses the workspace
        else if (round > 0 || !markdown) references.push(r.ms);
        if (!markdown && round === 0 && found !== count) checks.push({ what: `references to ${id}`, expected: count, found });
        if (round === 0) log(`    references to ${id}: ${found} found (${count} planted) in ${r.ms.toFixed(1)} ms`);
      }
    }
    return { server: spec.name, implemented: true, indexing, progressTitles: session.progress.map((p) => p.title ?? ''), references, checks, peakRss: session.peakRss(), note };
  } finally {
    await session.stop();
  }
}

/** Workspace sessions: the first one's find-references timings, every session's indexing. */
export interface WorkspaceSessions {
  readonly first: WorkspaceResult;
  /** One per session that reported it: Brief's progress, the peer's first find-references. */
  readonly indexing: number[];
  readonly checks: Check[];
  readonly peakRss: number;
}

/**
 * `sessions` fresh sessions over the workspace, so that indexing, which happens once per
 * session, has as many runs as the other figures. Find references is timed in the first session
 * only (`runs` requests, as before); later sessions make one round, whose counts are still checked.
 */
export async function measureWorkspaceSessions(spec: ServerSpec, ws: GeneratedWorkspace, sessions: number, runs: number, log: (m: string) => void): Promise<WorkspaceSessions> {
  const first = await measureWorkspace(spec, ws, runs, log);
  const indexing = first.indexing === undefined ? [] : [first.indexing];
  const checks = [...first.checks];
  let peakRss = first.peakRss;
  for (let i = 1; i < sessions && first.implemented; i++) {
    const again = await measureWorkspace(spec, ws, 0, () => undefined);
    if (again.indexing !== undefined) indexing.push(again.indexing);
    checks.push(...again.checks);
    peakRss = Math.max(peakRss, again.peakRss);
  }
  return { first, indexing, checks, peakRss };
}

export type { ReferenceSite };
