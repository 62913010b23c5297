/**
 * A project: what one workspace folder needs to check its briefs — its `.briefrc.yaml`, the
 * bundled KB merged with the folder's own KB files, and the resolver over them.
 *
 * The disk is behind the `Workspace` interface, so the server, the CLI and the tests (with an
 * in-memory workspace) load projects the same way.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { CONFIG_FILE_NAME, DEFAULT_CONFIG, parseConfig, type ConfigResult } from './config';
import { globAfter, type PathTest } from './glob';
import { knowledgeBaseSteps, type KbLoadResult } from './kb/knowledgeBase';
import { runInSlices, runSteps } from './steps';
import type { DataFileInput } from './kb/loader';
import type { FileReadingCache } from './kb/fileCache';
import { Resolver } from './resolver';
import { ruleSeverities, type RuleSeverities } from './rules';

/** The file system as the core sees it. Paths are absolute, with `/` separators. */
export interface Workspace {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | undefined>;
  /** Files directly or recursively under a folder (absolute paths). */
  listFiles(folder: string, recursive: boolean): Promise<string[]>;
  /** The path with every symbolic link resolved, or undefined when it does not exist. */
  realPath(path: string): Promise<string | undefined>;
  /** The URI under which a file's diagnostics and locations are reported. */
  toUri(path: string): string;
  /**
   * Optional, both or neither. `stamp`: a cheap fingerprint of a regular file on disk (its
   * identity, size and times) that differs whenever its content may differ, or undefined when
   * the host cannot vouch for one. `readFileNow`: the file's text, read at once. With both, KB
   * files are read only when their reading is not cached under their stamp (see `dataInput`).
   */
  stamp?(path: string): string | undefined;
  readFileNow?(path: string): string | undefined;
}

/** Everything validation needs for the briefs of one folder. */
export interface Project {
  readonly resolver: Resolver;
  readonly severities: RuleSeverities;
}

/** A loaded project plus the diagnostics of its data and config files. */
export interface ProjectState {
  readonly project: Project;
  /** The workspace folder, when the project belongs to one. */
  readonly folder?: string;
  /** The config file in use (it may not exist yet: quick fixes create it). */
  readonly configPath?: string;
  readonly kbLoad: KbLoadResult;
  readonly config?: ConfigResult;
  /** Diagnostics by file URI for `.briefrc.yaml` and every KB and source file. */
  readonly fileDiagnostics: ReadonlyMap<string, Diagnostic[]>;
  /** Absolute paths of the workspace KB files in use (for file watching). */
  readonly workspaceKbFiles: readonly string[];
  /** False in an untrusted workspace, whose KB files are neither read nor written. */
  readonly trusted: boolean;
}

export interface ProjectOptions {
  /** Folder holding `kb/*.yaml` and `sources/*.yaml` shipped with Brief. */
  readonly bundledDataDir: string;
  /** The workspace folder, whose `.briefrc.yaml` and `kb:` files apply; none for a lone file. */
  readonly folder?: string;
  /** An explicit config file instead of the folder's `.briefrc.yaml` (the CLI's `--config`); null for none. */
  readonly configPath?: string | null;
  /** Extra KB files (the CLI's `--kb`), read as workspace KB files. */
  readonly extraKbFiles?: readonly string[];
  /** False in an untrusted workspace: only the bundled KB is loaded. */
  readonly trusted: boolean;
  /** Readings of data files already parsed, by text (see kb/fileCache.ts). */
  readonly cache?: FileReadingCache;
  /** Only to fill `cache` (a read-ahead): throws `UnsettledKb` where it could not (kb/knowledgeBase.ts). */
  readonly fillCacheOnly?: boolean;
  /**
   * Reads and checks the KB in slices of `sliceMs`, awaiting `pause()` between two (a server's
   * reload: requests are answered from the last load meanwhile); straight through without it.
   */
  readonly slices?: { readonly pause: () => Promise<void>; readonly sliceMs: number };
}

/** Loads the bundled data once; projects of every folder share the text. */
export async function readBundledData(ws: Workspace, dataDir: string): Promise<{ entityFiles: DataFileInput[]; sourceFiles: DataFileInput[] }> {
  const read = async (dir: string) => {
    const files = (await ws.listFiles(`${dataDir}/${dir}`, false)).filter((f) => f.endsWith('.yaml')).sort();
    const inputs: DataFileInput[] = [];
    for (const f of files) {
      const input = await dataInput(ws, f, 'bundled');
      if (input) inputs.push(input);
    }
    return inputs;
  };
  return { entityFiles: await read('kb'), sourceFiles: await read('sources') };
}

/** Reads config and KB files and builds the project. `previous` keeps the last good KB files. */
export async function loadProject(ws: Workspace, options: ProjectOptions, previous?: ProjectState): Promise<ProjectState> {
  const bundled = await readBundledData(ws, options.bundledDataDir);
  const fileDiagnostics = new Map<string, Diagnostic[]>();

  const configPath = options.configPath === null ? undefined : (options.configPath ?? (options.folder ? `${options.folder}/${CONFIG_FILE_NAME}` : undefined));
  let config: ConfigResult | undefined;
  const configText = configPath ? await ws.readFile(configPath) : undefined;
  // A config that is not YAML (yet: the analyst is typing) keeps the editor on the last good one,
  // as a broken KB file does; else every brief would fill with unknown references meanwhile.
  let carried = false;
  const lastGood = configPath && previous?.configPath === configPath ? previous.config : undefined;
  if (configPath && configText !== undefined) {
    config = parseConfig(ws.toUri(configPath), configText);
    fileDiagnostics.set(ws.toUri(configPath), config.diagnostics);
    if (lastGood && config.diagnostics.some((d) => d.code === 'config-syntax')) {
      config = { ...config, config: lastGood.config };
      carried = true;
    }
  } else if (configPath && (await ws.realPath(configPath)) !== undefined) {
    // There, but not to be read (no permission, a folder): said on the file, and its last good
    // settings kept, as for one that is not YAML. Taken as absent, the analyst's rules and KB
    // files would be dropped without a word (brief-lint refuses such a config: exit 2).
    const problem: Diagnostic = {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      message: `Cannot read ${CONFIG_FILE_NAME}: no permission to read it, or it is not a regular file.${lastGood ? ' Its last good settings stay in force.' : ''}`,
      severity: DiagnosticSeverity.Error,
      code: 'config-syntax',
      source: 'brief',
    };
    config = { config: lastGood?.config ?? parseConfig(ws.toUri(configPath), '').config, diagnostics: [problem], broken: true };
    fileDiagnostics.set(ws.toUri(configPath), config.diagnostics);
    carried = true;
  }

  const workspaceKbFiles: string[] = [];
  /** The real paths of the workspace KB files read. */
  const readReal = new Set<string>();
  const entityFiles = [...bundled.entityFiles];
  if (!options.trusted && config && configPath && !carried) {
    // Said where the analyst looks: otherwise every entity of these files is just "unknown". A
    // path that leads outside is refused as in a trusted workspace (its spelling and its links
    // say so without reading a file): trust would not make it read.
    const base = dirname(configPath);
    for (const entry of config.config.kb) {
      const escape = await leadsOutside(ws, base, entry.path, options.folder ?? base);
      config.diagnostics.push(
        escape !== undefined
          ? configProblem(entry.range, `KB path '${entry.path}' refused: it leads outside the workspace folder${escape}.`)
          : configProblem(entry.range, `KB path '${entry.path}' not read: the workspace is not trusted (VS Code's Restricted Mode). Its entities are unknown until you trust it.`, DiagnosticSeverity.Information),
      );
    }
  }
  if (options.trusted && config && configPath) {
    const base = dirname(configPath);
    const root = options.folder ?? base;
    // The ranges of a carried config's entries are those of its last good text: no diagnostics.
    const report = (problem: Diagnostic) => {
      if (!carried) config?.diagnostics.push(problem);
    };
    const listed = new Set<string>();
    for (const entry of config.config.kb) {
      const escape = await leadsOutside(ws, base, entry.path, root);
      if (escape !== undefined) {
        report(configProblem(entry.range, `KB path '${entry.path}' refused: it leads outside the workspace folder${escape}.`));
        continue;
      }
      const paths = await expand(ws, base, entry.path, configPath);
      if (paths.length === 0) {
        report(configProblem(entry.range, `No KB file matches '${entry.path}'.`, DiagnosticSeverity.Warning));
      }
      for (const p of paths) {
        // Two entries that list one file (`kb/*.yaml` and `kb/**/*.yaml`) read it once: twice, each of its ids would clash with itself.
        if (listed.has(p)) continue;
        listed.add(p);
        const real = await ws.realPath(p);
        if (real === undefined) {
          // Only a plain path can name what is not there (a glob lists what exists): a typo
          // would otherwise leave every entity of the file unknown without a word why.
          report(configProblem(entry.range, `KB file '${entry.path}' was not found.`));
          continue;
        }
        // One file under two names (a symbolic link inside the folder to a file it lists) is read once too.
        if (readReal.has(real)) continue;
        const realRoot = (await ws.realPath(root)) ?? root;
        if (!isInside(real, realRoot)) {
          const how = isInside(p, root) ? ' (through a symbolic link)' : '';
          report(configProblem(entry.range, `KB path '${entry.path}' refused: it leads outside the workspace folder${how}.`));
          continue;
        }
        const input = await dataInput(ws, p, 'workspace');
        if (!input) {
          // A glob lists files that exist, so what it matched is a file that cannot be read (no
          // permission): name it. A plain path may name a folder.
          report(
            configProblem(
              entry.range,
              GLOB_SEGMENT.test(entry.path)
                ? `KB file '${p.startsWith(`${base}/`) ? p.slice(base.length + 1) : p}', which '${entry.path}' matches, cannot be read.`
                : `KB path '${entry.path}' is not a file that can be read: name YAML files, or a glob such as 'kb/*.yaml'.`,
            ),
          );
          continue;
        }
        // A glob takes only YAML files and never the config (expand); a path that names anything
        // else is refused, or a brief would be read as YAML and shown with the errors of both.
        const notKb = p === configPath ? 'it is this config file' : KB_FILE_NAME.test(p) ? undefined : KB_FILE_NAMING;
        if (notKb) {
          report(configProblem(entry.range, `KB path '${entry.path}' refused: ${notKb}.`));
          continue;
        }
        readReal.add(real);
        workspaceKbFiles.push(p);
        entityFiles.push(input);
      }
    }
  }
  for (const p of options.extraKbFiles ?? []) {
    // A file the config lists and the command line names too is one file of the KB, read once,
    // under whichever name each gives it.
    const real = (await ws.realPath(p)) ?? p;
    if (workspaceKbFiles.includes(p) || readReal.has(real)) continue;
    const input = await dataInput(ws, p, 'workspace');
    if (!input) continue;
    readReal.add(real);
    workspaceKbFiles.push(p);
    entityFiles.push(input);
  }

  const steps = knowledgeBaseSteps({ entityFiles, sourceFiles: bundled.sourceFiles }, previous?.kbLoad, options.cache, options.fillCacheOnly);
  const kbLoad = options.slices ? await runInSlices(steps, options.slices.pause, options.slices.sliceMs) : runSteps(steps);
  for (const [uri, list] of kbLoad.diagnostics) fileDiagnostics.set(uri, list);
  const severities = ruleSeverities((config?.config ?? DEFAULT_CONFIG).rules);
  return {
    project: { resolver: new Resolver(kbLoad.kb), severities },
    folder: options.folder,
    configPath,
    kbLoad,
    config,
    fileDiagnostics,
    workspaceKbFiles,
    trusted: options.trusted,
  };
}

/**
 * A KB or source file as the loader takes it, or undefined when it cannot be read. When the host
 * stamps files, the text is read only if something asks for it: a start whose readings are all
 * cached under their stamps reads no YAML at all (60 MB for a KB of 100,000 entities).
 */
export async function dataInput(ws: Workspace, path: string, origin: DataFileInput['origin']): Promise<DataFileInput | undefined> {
  const uri = ws.toUri(path);
  const stamp = ws.stamp?.(path);
  const readNow = ws.readFileNow?.bind(ws);
  if (stamp === undefined || !readNow) {
    const text = await ws.readFile(path);
    return text === undefined ? undefined : { uri, text, origin };
  }
  let text: string | undefined;
  return {
    uri,
    origin,
    stamp,
    // Gone since it was stamped: read as empty, and the file watcher's reload follows.
    get text(): string {
      return (text ??= readNow(path) ?? '');
    },
  };
}

function configProblem(range: Diagnostic['range'], message: string, severity: DiagnosticSeverity = DiagnosticSeverity.Error): Diagnostic {
  return { range, message, severity, code: 'kb-path-refused', source: 'brief' };
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function isInside(path: string, folder: string): boolean {
  const f = folder.endsWith('/') ? folder : `${folder}/`;
  return path === folder || path.startsWith(f);
}

/**
 * Joins and normalises `base/relative`, resolving `.` and `..` segments. A backslash separates
 * segments too, as on Windows, so that `kb\..\..\x.yaml` cannot step out unseen.
 */
function join(base: string, relative: string): string {
  const parts = `${base}/${relative}`.split(/[\\/]/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

const GLOB_SEGMENT = /[*?[]/;

/**
 * The part of a `kb:` entry, joined to its base, before its first glob segment: the folder a glob
 * lists, or the file itself. A `..` right after `**` cancels it, as written; either way the glob
 * lists nothing above this part.
 */
export function fixedPart(base: string, entry: string): string {
  return globSplit(base, entry).fixed;
}

/**
 * `entry` (relative to `base`) as the folder it starts from and the glob after it. Only `entry`
 * is read as a glob: `base` (the config's folder, the current folder) is a path as it is, which
 * may hold `[`, `*` or `?` (a workspace in `Desk [x]`).
 */
function globSplit(base: string, entry: string): { fixed: string; glob?: string } {
  const segments = entry.split(/[\\/]/);
  const at = segments.findIndex((seg) => GLOB_SEGMENT.test(seg));
  if (at < 0) return { fixed: join(base, entry) };
  return { fixed: join(base, segments.slice(0, at).join('/')), glob: segments.slice(at).join('/') };
}

/** The files `entry`, a path or a glob relative to `base`, names, as a regular expression over absolute paths. */
export function globUnder(base: string, entry: string): PathTest {
  const { fixed, glob } = globSplit(base, entry);
  return globAfter(fixed, glob);
}

/**
 * Whether a `kb:` entry leads outside the workspace folder before anything is read: undefined
 * when it stays inside, else how it leaves ('' by its spelling, e.g. `../`, or through a symbolic
 * link). A `..` that stays inside (`../shared/x.yaml` from a config in a subfolder) is allowed.
 * A glob's files are checked again one by one: a link inside the listed folder can lead out too.
 */
async function leadsOutside(ws: Workspace, base: string, entry: string, root: string): Promise<string | undefined> {
  const { fixed, glob } = globSplit(base, entry);
  // `**/../../x.yaml`: a `..` after a glob climbs from wherever the glob matched.
  if (!isInside(fixed, root) || glob?.split('/').includes('..')) return '';
  const real = await ws.realPath(fixed);
  if (real !== undefined && !isInside(real, (await ws.realPath(root)) ?? root)) return ' (through a symbolic link)';
  return undefined;
}

/** How a KB file is named: YAML (spec §4), `.yaml` or `.yml` in any case, as the CLI and the server's file events read it too. */
export const KB_FILE_NAME = /\.ya?ml$/i;
/** Why a file of another name is refused as a KB file. */
export const KB_FILE_NAMING = 'a KB file is YAML, named *.yaml or *.yml';

/**
 * A `kb:` entry as files: itself, or the YAML files its `*`/`**` glob matches (`kb: ['*']` lists
 * no briefs, and never the config that holds it).
 */
async function expand(ws: Workspace, base: string, entry: string, configPath: string): Promise<string[]> {
  if (!GLOB_SEGMENT.test(entry)) return [join(base, entry)];
  const start = fixedPart(base, entry);
  if ((await ws.realPath(start)) === undefined) return [];
  const pattern = globUnder(base, entry);
  return (await ws.listFiles(start, true)).filter((f) => pattern.test(f) && KB_FILE_NAME.test(f) && f !== configPath).sort();
}

