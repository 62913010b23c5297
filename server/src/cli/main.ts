/**
 * `brief-lint [path|glob …]` (spec §5): the language server's validation, in CI.
 *
 * Exit status: 0 no error-severity diagnostic, 1 at least one, 2 bad usage, an unreadable
 * input or a broken config. One unreadable file does not stop the others from being linted.
 */
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { createLanguageService } from '../core/languageService';
import { isInside, KB_FILE_NAME, KB_FILE_NAMING, loadProject, type ProjectState } from '../core/project';
import { bundledDataDir, NodeWorkspace } from '../node/nodeWorkspace';
import { defaultReadingCache } from '../node/kbCache';
import { VERSION } from '../node/version';
import { formatJson, formatSarif, formatText, toLintResult, type LintResult, type RunNotice } from './formatters';
import { parseArguments, USAGE, type LintOptions } from './arguments';
import { compareAlphabetically } from '../core/text';
import { counted } from '../core/wording';
import { asSeenFrom, collectInputs, configFinder, configOutside, isConfigFile, readStdin, readUtf8, stdinPath, toPosix, why, type Reading } from './inputs';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArguments(argv);
  if ('error' in parsed) {
    process.stderr.write(`brief-lint: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.version) {
    process.stdout.write(`brief-lint ${VERSION}\n`);
    return 0;
  }
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch (error) {
    // A shell still in a folder that was removed under it.
    process.stderr.write(`brief-lint: cannot read the current folder: ${why(error as NodeJS.ErrnoException, 'it no longer exists')}\n`);
    return 2;
  }
  return lint(parsed, toPosix(cwd));
}

async function lint(options: LintOptions, cwd: string): Promise<number> {
  const problems: string[] = [];
  const shown = (file: string) => path.posix.relative(cwd, file) || file;
  const ws = new NodeWorkspace({
    // A folder brief-lint cannot enter would pass for one without briefs, and CI would go green.
    unreadableFolder: (folder, error) => {
      if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') problems.push(`cannot read folder ${shown(folder)}: ${why(error)}`);
    },
  });
  const dataDir = toPosix(bundledDataDir());
  // Configs outside the current folder that go unused, with the briefs they would have served:
  // a note on stderr for each, which changes no result.
  const unusedConfigs = new Map<string, string[]>();
  /** The config nearest above the current folder, which no brief inside it uses (looked for once). */
  let configAboveCwd: Promise<string | undefined> | undefined;
  const { briefs, dataFiles } = await collectInputs(options.paths, cwd, ws, problems);

  /** Each config and KB file read once as strict UTF-8 (see `readOnce`). */
  const reads = new Map<string, Promise<Reading>>();
  const extraKb = await Promise.all(options.kb.map((k) => asSeenFrom(cwd, toPosix(path.resolve(cwd, k)))));
  for (const [i, file] of extraKb.entries()) {
    // As a config's `kb:` refuses it: a brief or a note given by mistake would be read as YAML.
    if (!KB_FILE_NAME.test(file)) return stopped(options, cwd, `cannot use ${options.kb[i]} as a KB file: ${KB_FILE_NAMING}`);
    const read = await readUtf8(file);
    if ('problem' in read) return stopped(options, cwd, `cannot read KB file ${options.kb[i]}: ${read.problem}`);
    reads.set(file, Promise.resolve(read));
  }
  const explicitConfig = options.config ? await asSeenFrom(cwd, toPosix(path.resolve(cwd, options.config))) : undefined;
  if (explicitConfig) {
    const read = await readUtf8(explicitConfig);
    if ('problem' in read) return stopped(options, cwd, `cannot read config ${options.config}: ${read.problem}`);
    reads.set(explicitConfig, Promise.resolve(read));
  }
  // Data files named on the command line that are not the bundled KB are checked as extra KB files.
  const bundledData = (f: string) => isInside(f, dataDir);
  const namedKb = dataFiles.filter((f) => !bundledData(f) && !isConfigFile(f));

  const cache = defaultReadingCache();
  const projects = new Map<string, Promise<ProjectState>>();
  // `withNamed`: the project also holds the KB files named on the command line, which are
  // checked in it. A brief is checked with its config's KB files and --kb only, as the editor
  // checks it: naming a YAML file to have it checked must not change what a brief resolves to.
  const projectFor = (configPath: string | undefined, withNamed = false) => {
    const key = `${withNamed && namedKb.length > 0 ? 'named' : 'own'}:${configPath ?? ''}`;
    let p = projects.get(key);
    if (!p) {
      // The current folder is the workspace folder, whose files `kb:` paths may name; a config
      // named by --config outside it is the workspace folder of its own (it was chosen by hand).
      const folder = configPath && !isInside(configPath, cwd) ? path.posix.dirname(configPath) : cwd;
      const extraKbFiles = withNamed ? [...extraKb, ...namedKb] : extraKb;
      p = loadProject(ws, { bundledDataDir: dataDir, folder, configPath: configPath ?? null, extraKbFiles, trusted: true, cache });
      projects.set(key, p);
    }
    return p;
  };

  const nearestConfig = configFinder(cwd);
  const service = createLanguageService();
  const results: LintResult[] = [];
  /** Config files with an error, as shown. */
  const brokenConfigs = new Set<string>();
  let checked = 0;
  // A KB or config file shared by projects of several configs is reported for each of them: a
  // clash of ids may exist in one project only. What two projects both find is reported once.
  // (A brief is checked once: its diagnostics need no such care.)
  const reported = new Set<string>();
  const reportFile = (uri: string, diagnostics: readonly Diagnostic[], shared = true) => {
    const file = path.posix.relative(cwd, toPosix(fileURLToPath(uri)));
    for (const d of diagnostics) {
      const result = toLintResult(file, d);
      if (shared) {
        const key = JSON.stringify(result);
        if (reported.has(key)) continue;
        reported.add(key);
      }
      results.push(result);
    }
  };
  // The server reads config and KB files as the editor shows them; in CI a file that is not
  // UTF-8 is unreadable input, as a brief is (its names would hold replacement characters).
  // `ifThere`: a file found by searching that is gone by now is no problem (the first read decides).
  const readOnce = (file: string, ifThere = false): Promise<Reading> => {
    let read = reads.get(file);
    if (!read) {
      read = readUtf8(file).then((r) => {
        if ('problem' in r && !(ifThere && r.missing)) problems.push(`cannot read ${shown(file)}: ${r.problem}`);
        return r;
      });
      reads.set(file, read);
    }
    return read;
  };

  /** The diagnostics of the config a file is checked with: one with an error makes the run exit 2, whatever it checks. */
  const reportConfig = (state: ProjectState, configPath: string) => {
    const configUri = ws.toUri(configPath);
    const configDiagnostics = state.fileDiagnostics.get(configUri) ?? [];
    if (configDiagnostics.some((d) => d.severity === DiagnosticSeverity.Error)) brokenConfigs.add(shown(configPath));
    reportFile(configUri, configDiagnostics);
  };

  /** Projects whose files are reported: each once, not once per brief it checks. */
  const projectsReported = new Set<ProjectState>();
  /** A project's config and its own KB files (`kb:` of the config, `--kb`): their problems are reported with what they check. */
  const reportProject = async (state: ProjectState, configPath: string | undefined) => {
    if (projectsReported.has(state)) return;
    projectsReported.add(state);
    if (configPath) {
      await readOnce(configPath);
      reportConfig(state, configPath);
    }
    for (const kbFile of state.workspaceKbFiles) {
      // What the loader made of a file that is not UTF-8 would be the noise of replacement characters.
      if ('problem' in (await readOnce(kbFile))) continue;
      reportFile(ws.toUri(kbFile), state.fileDiagnostics.get(ws.toUri(kbFile)) ?? []);
    }
  };

  for (const brief of briefs) {
    const read = brief === stdinPath(cwd) ? await readStdin() : await readUtf8(brief);
    if ('problem' in read) {
      problems.push(`cannot read ${shown(brief)}: ${read.problem}`);
      continue;
    }
    let configPath = explicitConfig ?? (await nearestConfig(path.posix.dirname(brief)));
    if (configPath && !explicitConfig) {
      const config = await readOnce(configPath, true);
      // Gone since it was seen: as if it had never been there. Any other failure leaves the
      // brief's rules and KB files unknown, and a result without them would be a guess.
      if ('problem' in config && config.missing) configPath = undefined;
      else if ('problem' in config) {
        problems.push(`not checked: ${shown(brief)} (its config ${shown(configPath)} cannot be read)`);
        continue;
      }
    }
    checked++;
    if (!configPath) {
      // The spec looks for a config up to the current folder only: say so when one above a brief
      // goes unused, or the analyst's rules and KB files are dropped without a word. For a brief
      // inside the current folder that is one above the folder (`cd briefs && brief-lint`).
      const dir = path.posix.dirname(brief);
      const unused = isInside(dir, cwd) ? await (configAboveCwd ??= configOutside(path.posix.dirname(cwd), cwd)) : await configOutside(dir, cwd);
      if (unused) unusedConfigs.set(unused, [...(unusedConfigs.get(unused) ?? []), brief]);
    }
    const state = await projectFor(configPath);
    await reportProject(state, configPath);
    const document = TextDocument.create(ws.toUri(brief), 'brief', 1, read.text);
    reportFile(document.uri, service.validate(document, state.project), false);
    // Each brief is checked once: its parse, which the service keeps for the editor's next
    // request, would only pile up (ten thousand briefs' trees for the collector to move).
    service.forget(document.uri);
  }

  // KB, source and config files named on the command line: their own diagnostics (spec §4.2),
  // each in the project of its nearest config, as a brief beside it: its targets may be entities
  // of the other KB files that config lists.
  if (dataFiles.length > 0) {
    for (const f of dataFiles) {
      const read = await readOnce(f);
      if ('problem' in read) continue;
      let configPath = explicitConfig ?? (isConfigFile(f) ? undefined : await nearestConfig(path.posix.dirname(f)));
      if (configPath && !explicitConfig && 'problem' in (await readOnce(configPath, true))) configPath = undefined;
      checked++;
      if (isConfigFile(f)) {
        // Loaded as the config it is, so that where its `kb:` paths lead is checked too.
        reportConfig(await projectFor(f), f);
        continue;
      }
      const state = await projectFor(configPath, true);
      // A KB file is checked with the KB files its config lists: a broken config leaves them
      // out, and its targets would look unknown without a word why.
      if (configPath) reportConfig(state, configPath);
      reportFile(ws.toUri(f), state.fileDiagnostics.get(ws.toUri(f)) ?? []);
    }
  }

  // A run that finds no brief still checks the current folder's config and KB files (and --kb):
  // a broken one must not pass CI before the first brief is written, or after the briefs moved.
  if (briefs.length === 0 && dataFiles.length === 0) {
    let configPath = explicitConfig ?? (await nearestConfig(cwd));
    if (configPath && !explicitConfig && 'problem' in (await readOnce(configPath, true))) configPath = undefined;
    const state = await projectFor(configPath);
    await reportProject(state, configPath);
    checked += (configPath ? 1 : 0) + state.workspaceKbFiles.length;
  }

  results.sort((a, b) => compareAlphabetically(a.file, b.file) || a.line - b.line || a.column - b.column);
  // What stderr says besides the results: notes that change nothing, then what failed.
  const notices: RunNotice[] = [];
  for (const [config, briefs] of unusedConfigs) {
    const others = briefs.length > 1 ? ` (and ${counted(briefs.length - 1, 'more brief')} under it)` : '';
    notices.push({ level: 'note', text: `note: ${shown(config)} is not used for ${shown(briefs[0])}${others}: it is outside the current folder, and brief-lint looks for .briefrc.yaml only up to the current folder (run it from ${shown(path.posix.dirname(config))}, or name the config with --config)` });
  }
  for (const p of problems) notices.push({ level: 'error', text: p });
  if (brokenConfigs.size > 0) notices.push({ level: 'error', text: `the configuration has errors (see the diagnostics on ${[...brokenConfigs].join(', ')})` });
  report(options, cwd, results, checked, notices);

  if (problems.length > 0 || brokenConfigs.size > 0) return 2;
  return results.some((r) => r.severity === 'error') ? 1 : 0;
}

/** Writes the report in the format asked for, then on stderr what the run has to say besides it. */
function report(options: LintOptions, cwd: string, results: readonly LintResult[], checked: number, notices: readonly RunNotice[]): void {
  if (options.format === 'json') process.stdout.write(formatJson(results));
  else if (options.format === 'sarif') process.stdout.write(formatSarif(results, VERSION, pathToFileURL(cwd).toString(), notices));
  else process.stdout.write(formatText(results, checked));
  for (const n of notices) process.stderr.write(`brief-lint: ${n.text}\n`);
}

/**
 * A run stopped before any brief was linted (a `--config` or `--kb` file that cannot be read):
 * exit 2 with the reason. A JSON or SARIF report is still written, empty and, in SARIF, not
 * successful with the reason, so that a pipeline that parses it reads why instead of failing
 * on an empty file. Text gets no summary: nothing was checked.
 */
function stopped(options: LintOptions, cwd: string, why: string): number {
  const notice: RunNotice = { level: 'error', text: why };
  if (options.format === 'text') process.stderr.write(`brief-lint: ${why}\n`);
  else report(options, cwd, [], 0, [notice]);
  return 2;
}


// `brief-lint … | head` closes the pipe early: the rest of the output has nowhere to go, which is
// no reason to crash with a stack trace; the run still ends with its own exit status. Any other
// failure to write the report on stdout (a full disk under `> report.sarif`) must not pass for a
// clean run. Stderr only says what the report and the exit status already tell: a failure to
// write there changes neither.
let outputFailure: NodeJS.ErrnoException | undefined;
const noteFailure = (error: NodeJS.ErrnoException | null | undefined) => {
  if (error && error.code !== 'EPIPE') outputFailure ??= error;
};
process.stdout.on('error', noteFailure);
process.stderr.on('error', () => undefined);

main(process.argv.slice(2)).then(exitOnceWritten, (error: unknown) => {
  process.stderr.write(`brief-lint: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitOnceWritten(2);
});

/**
 * Ends the process as soon as the report has reached stdout and stderr. Letting the event loop
 * drain instead would also wait for the collector to finish marking the heap a megabyte brief
 * leaves behind (~10 ms, `--trace-gc`), work on memory that is about to be returned anyway.
 */
function exitOnceWritten(code: number): void {
  process.exitCode = code;
  // The callback of an empty write runs once everything written before it is flushed (pipes
  // and terminals may be asynchronous), with the error of a write that failed. If a stream never
  // calls back, the loop still drains and the process ends with the same status.
  let streams = 2;
  const flushed = (error: Error | null | undefined, report: boolean) => {
    if (report) noteFailure(error as NodeJS.ErrnoException | null | undefined);
    if (--streams > 0) return;
    if (outputFailure) {
      process.stderr.write(`brief-lint: cannot write the report: ${why(outputFailure)}\n`);
      process.exit(2);
    }
    process.exit(code);
  };
  process.stdout.write('', (error) => flushed(error, true));
  process.stderr.write('', (error) => flushed(error, false));
}
