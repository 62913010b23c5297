/**
 * What the bench runs and how often: paths, the three servers, the peer's settings, and the
 * repeat counts (fewer on the 5 MB document and the 100,000-entity KB, to stay near 10 minutes
 * on a 2-core machine).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serverEnvironment } from '../client/src/serverEnvironment';
import type { ServerSpec } from './lspDriver';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SERVER_JS = path.join(REPO_ROOT, 'dist', 'server.js');
/** The same server from tsc's unminified output, for readable CPU profiles. */
export const SERVER_OUT_JS = path.join(REPO_ROOT, 'out', 'server', 'src', 'node', 'main.js');
export const LINT_JS = path.join(REPO_ROOT, 'dist', 'brief-lint.js');
export const CLIENT_JS = path.join(REPO_ROOT, 'dist', 'client.js');
export const BUNDLED_DATA = path.join(REPO_ROOT, 'data');
export const PEER_JS = path.join(REPO_ROOT, 'node_modules', 'vscode-markdown-languageserver', 'dist', 'node', 'workerMain.js');
export const MINIMAL_JS = path.join(__dirname, 'minimalServer.js');
export const FLOOR_PROCESS_JS = path.join(__dirname, 'floorProcess.js');

/** Where generated inputs live (outside the repository, reused while the generator is unchanged). */
export const BENCH_DIR = process.env.BENCH_DIR ?? path.join(os.tmpdir(), 'brief-bench');

export const SEED = Number(process.env.BENCH_SEED ?? 20240501);

/**
 * Brief's KB reading cache for every Brief process the bench starts (BRIEF_CACHE_DIR), emptied at
 * the start of a run: runs are alike, and the cold starts' one-off KBs do not fill the user's cache.
 */
export const BRIEF_CACHE = path.join(BENCH_DIR, 'brief-cache');

/** Node for the Markdown peer: it declares engines node >=22; set BENCH_PEER_NODE to run it on another Node. */
export const PEER_NODE = process.env.BENCH_PEER_NODE ?? process.execPath;

export interface Repeats {
  readonly spawn: number;
  readonly open: number;
  readonly open5mb: number;
  readonly edit: number;
  readonly edit5mb: number;
  readonly hover: number;
  readonly completion: number;
  readonly warmup: number;
  readonly open100k: number;
  readonly edit100k: number;
  readonly requests100k: number;
  readonly peerCompletion100k: number;
  readonly references: number;
  readonly lint: number;
  readonly kbLoad: number;
  /** Warm starts of Brief's server on the KB of 100,000 entities. */
  readonly start100k: number;
  /** Sessions over the workspace of small briefs, each indexing it once. */
  readonly indexing: number;
}

export const FULL: Repeats = {
  spawn: 10,
  open: 10,
  open5mb: 10,
  edit: 20,
  edit5mb: 10,
  hover: 200,
  completion: 200,
  warmup: 2,
  open100k: 10,
  edit100k: 10,
  requests100k: 100,
  peerCompletion100k: 20,
  references: 20,
  lint: 10,
  kbLoad: 10,
  start100k: 10,
  indexing: 10,
};

/** `--quick`: a smoke run of every code path with tiny inputs. */
export const QUICK: Repeats = {
  spawn: 2,
  open: 2,
  open5mb: 1,
  edit: 3,
  edit5mb: 1,
  hover: 10,
  completion: 10,
  warmup: 1,
  open100k: 1,
  edit100k: 2,
  requests100k: 10,
  peerCompletion100k: 3,
  references: 3,
  lint: 2,
  kbLoad: 2,
  start100k: 2,
  indexing: 2,
};

export interface Sizes {
  readonly kbSmall: number;
  readonly kbLarge: number;
  readonly documents: readonly { readonly label: string; readonly bytes: number }[];
  readonly workspaceFiles: number;
}

export const FULL_SIZES: Sizes = {
  kbSmall: 1000,
  kbLarge: 100_000,
  documents: [
    { label: '100 KB', bytes: 100 * 1024 },
    { label: '1 MB', bytes: 1024 * 1024 },
    { label: '5 MB', bytes: 5 * 1024 * 1024 },
  ],
  workspaceFiles: 10_000,
};

export const QUICK_SIZES: Sizes = {
  kbSmall: 1000,
  kbLarge: 5000,
  documents: [
    { label: '100 KB', bytes: 100 * 1024 },
    { label: '1 MB', bytes: 256 * 1024 },
    { label: '5 MB', bytes: 512 * 1024 },
  ],
  workspaceFiles: 300,
};

/** VS Code's Markdown settings with reference-link validation on and everything else that could add diagnostics off. */
export const MARKDOWN_SETTINGS = {
  markdown: {
    validate: {
      enabled: true,
      referenceLinks: { enabled: 'error' },
      fragmentLinks: { enabled: 'ignore' },
      fileLinks: { enabled: 'ignore', markdownFragmentLinks: 'ignore' },
      ignoredLinks: [],
      unusedLinkDefinitions: { enabled: 'ignore' },
      duplicateLinkDefinitions: { enabled: 'ignore' },
    },
    suggest: { paths: { enabled: true, includeWorkspaceHeaderCompletions: 'never' } },
    occurrencesHighlight: { enabled: false },
    server: { log: 'off' },
    preferredMdPathExtensionStyle: 'auto',
  },
};

/**
 * What the VS Code extension adds to its server's environment (client/src/serverEnvironment.ts:
 * on Linux, glibc malloc's huge pages). Every server the bench starts gets it, Brief's as the
 * extension runs it, the minimal server and the peer alike, so that a ratio compares servers and
 * not environments. `brief-lint` and `node -e 0` run without it, as a shell starts them.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = serverEnvironment(process.env, process.platform);

/** Brief's bundled server; with extra Node arguments (--cpu-prof) the unminified build, so profiles name functions. */
export function briefServer(dataDir: string, nodeArgs: readonly string[] = []): ServerSpec {
  const script = nodeArgs.length > 0 ? SERVER_OUT_JS : SERVER_JS;
  return { name: 'brief', node: process.execPath, nodeArgs, script, args: ['--stdio'], env: { ...SERVER_ENV, BRIEF_DATA_DIR: dataDir, BRIEF_CACHE_DIR: BRIEF_CACHE }, languageId: 'brief' };
}

export function peerServer(): ServerSpec {
  return { name: 'peer', node: PEER_NODE, script: PEER_JS, args: ['--stdio'], env: SERVER_ENV, languageId: 'markdown', settings: MARKDOWN_SETTINGS };
}

export function minimalServer(namesFile: string): ServerSpec {
  return { name: 'minimal', node: process.execPath, script: MINIMAL_JS, args: ['--stdio'], env: { ...SERVER_ENV, BENCH_NAMES: namesFile }, languageId: 'brief' };
}

export function ensureBuilt(): void {
  for (const f of [SERVER_JS, LINT_JS, MINIMAL_JS]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(REPO_ROOT, f)} is missing: run \`npm run build\` and \`npx tsc -p .\` first`);
  }
}
