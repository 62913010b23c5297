/**
 * "Add '<name>' to the workspace KB": a stub entity appended to the first `kb:` file of the
 * folder's `.briefrc.yaml`, creating that file and the config when they do not exist.
 *
 * Decisions:
 * - The id comes from the name by the normalisation of spec §3.3, then anything outside
 *   `[a-z0-9-]` dropped; `-2`, `-3`, … make it unique. An empty result (a name in a script
 *   without Latin letters or digits) becomes `entity`.
 * - The kind is a placeholder the analyst must change: `group` with a `# TODO` comment, unless
 *   the reference sits in a claim whose predicate allows one kind only in that place (the object
 *   of `member-of` is an organization), so that the claim checks right after the fix.
 * - The summary is a quoted `TODO` sentence: the loader requires a non-empty summary.
 * - No config: create `.briefrc.yaml` with `kb: [kb/workspace.yaml]`. A config without KB files:
 *   add that entry to it. A first entry that is a glob: the first existing file it matches (no
 *   fix when none does: which file to create would be a guess).
 * - A KB file or config whose YAML is broken, or whose list is in flow style, gets no fix:
 *   editing it blind could break it further.
 *
 * The core does not read the disk: the caller reads the file `kbStubTarget` names and passes
 * its text.
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, type Node as YamlNode, type Pair } from 'yaml';
import { TextEdit, type Range, type WorkspaceEdit } from 'vscode-languageserver-types';
import type { ProjectState } from '../project';
import { dirname, globUnder } from '../project';
import type { EntityKind } from '../kinds';
import { predicateSignature } from '../kinds';
import type { BriefSyntax, EntityReference } from '../syntax';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import { normalizeName } from '../normalize';
import { OffsetMapper } from '../text';
import { lineEnding } from './referenceText';
import { idFromName } from '../kb/nearMiss';
import { labelsOnLines } from '../kb/namesOnLines';

/** The KB file a new workspace entity goes to, when `.briefrc.yaml` lists none. */
export const DEFAULT_WORKSPACE_KB = 'kb/workspace.yaml';

/** Where "Add to the workspace KB" writes, worked out from the folder's config. */
export interface KbStubTarget {
  /** Absolute path of the KB file that receives the stub (read it and pass its text). */
  readonly kbPath: string;
  readonly configPath: string;
  /** The config file does not exist: the fix creates it with `kb: [kb/workspace.yaml]`. */
  readonly createConfig: boolean;
  /** The config exists but lists no KB file: the fix adds `kb/workspace.yaml` to it. */
  readonly addConfigEntry: boolean;
}

/** The project state parts the fix reads. */
export type KbStubState = Pick<ProjectState, 'folder' | 'configPath' | 'config' | 'workspaceKbFiles' | 'trusted'>;

/** What the caller knows about the files the fix touches. */
export interface KbStubFiles {
  /** The current text of `kbStubTarget(state).kbPath`, or undefined when the file does not exist. */
  readonly kbText?: string;
  /** The current text of the config file, when it exists (needed only to add a `kb:` entry). */
  readonly configText?: string;
  /**
   * The editor's version of each file when it is open there (null when it is not): an edit of an
   * open file names the version it was made for, so that the client refuses it on a newer text.
   */
  readonly kbVersion?: number | null;
  readonly configVersion?: number | null;
  /** Turns an absolute path into the URI the client knows it by (the `Workspace`'s `toUri`). */
  readonly toUri: (path: string) => string;
  /** False when the client cannot create files (no `create` in `workspaceEdit.resourceOperations`). */
  readonly canCreateFiles?: boolean;
  /** False when the client takes only plain `changes` (no `workspaceEdit.documentChanges`). */
  readonly canUseDocumentChanges?: boolean;
  /** True when the server can ask the client to open a file (`window/showDocument`). */
  readonly canShowDocument?: boolean;
  /**
   * True when the KB file is open with changes not saved: Brief reads KB files from disk, so the
   * stub counts once the file is saved (an editor saves a file a fix edits only if it was clean).
   */
  readonly kbUnsaved?: boolean;
}

/**
 * The command a quick fix carries to open the KB file at the entity it added, arguments the
 * file's URI and the entity's id. The server runs it (`workspace/executeCommand`) by asking the
 * client to show the document, which any client with `window/showDocument` can do; a command
 * of one editor (VS Code's `vscode.open`) would do nothing elsewhere.
 */
export const SHOW_KB_ENTITY_COMMAND = 'brief.showKbEntity';

/** The KB file a stub entity is written to, or undefined when there is no place to write it. */
export function kbStubTarget(state: KbStubState): KbStubTarget | undefined {
  // An untrusted workspace's KB files are not read: a stub written without reading one could
  // duplicate an entity it holds or break its list.
  if (!state.configPath || !state.trusted) return undefined;
  const base = dirname(state.configPath);
  if (!state.config) return { kbPath: join(base, DEFAULT_WORKSPACE_KB), configPath: state.configPath, createConfig: true, addConfigEntry: false };
  const first = state.config.config.kb[0];
  if (!first) {
    if (state.config.broken) return undefined;
    return { kbPath: join(base, DEFAULT_WORKSPACE_KB), configPath: state.configPath, createConfig: false, addConfigEntry: true };
  }
  if (!/[*?]/.test(first.path)) return { kbPath: join(base, first.path), configPath: state.configPath, createConfig: false, addConfigEntry: false };
  const pattern = globUnder(base, first.path);
  const match = state.workspaceKbFiles.find((f) => pattern.test(f));
  return match ? { kbPath: match, configPath: state.configPath, createConfig: false, addConfigEntry: false } : undefined;
}

/** The edit that adds a stub entity for `ref`, and the URI of the KB file it writes; undefined when no safe edit exists. */
export function addEntityEdit(
  ref: EntityReference,
  syntax: BriefSyntax,
  kb: KnowledgeBase,
  state: KbStubState,
  files: KbStubFiles,
): { edit: WorkspaceEdit; kbUri: string; id: string } | undefined {
  const target = kbStubTarget(state);
  if (!target) return undefined;
  // The file is in use but its text was not passed: creating it would clobber it.
  if (files.kbText === undefined && state.workspaceKbFiles.includes(target.kbPath)) return undefined;
  const plainChangesOnly = files.canUseDocumentChanges === false;
  // Creating a file needs `documentChanges`; a client without them can only take text edits.
  const canCreate = files.canCreateFiles !== false && !plainChangesOnly;
  const kbUri = files.toUri(target.kbPath);
  const configUri = files.toUri(target.configPath);
  // The KB file's lines, read once (a pattern made from each id looked for was too large for the
  // engine with a 40,000-letter name). Ids already written there count too: it may hold entities
  // the last load did not take. A name written there (unsaved, or in a file with errors, so not
  // loaded yet) would make a second stub a duplicate.
  const labels = labelsOnLines(files.kbText ?? '');
  const written = new Set(labels.filter((l) => l.key === 'id').map((l) => l.value));
  const taken = (id: string) => kb.entities.has(id) || kb.lookup(id).length > 0 || written.has(id);
  const wanted = normalizeName(ref.name);
  if (wanted !== '' && labels.some((l) => normalizeName(l.value) === wanted)) return undefined;
  const id = entityIdFor(ref.name, taken);
  const item = (indent: string) => stubLines(id, ref.name, guessKind(ref, syntax), indent);

  const changes: NonNullable<WorkspaceEdit['documentChanges']>[number][] = [];
  if (target.createConfig) {
    if (!canCreate) return undefined;
    changes.push({ kind: 'create', uri: configUri, options: { ignoreIfExists: true } });
    changes.push(textEdit(configUri, [TextEdit.insert(start, `kb: [${DEFAULT_WORKSPACE_KB}]\n`)]));
  } else if (target.addConfigEntry) {
    if (files.configText === undefined) return undefined;
    const entry = addToTopLevelList(files.configText, 'kb', (indent) => [`${indent}- ${DEFAULT_WORKSPACE_KB}`]);
    if (!entry) return undefined;
    changes.push(textEdit(configUri, [entry], files.configVersion));
  }
  if (files.kbText === undefined) {
    if (!canCreate) return undefined;
    changes.push({ kind: 'create', uri: kbUri, options: { ignoreIfExists: true } });
    changes.push(textEdit(kbUri, [TextEdit.insert(start, ['entities:', ...item('  '), ''].join('\n'))]));
  } else {
    const edit = addToTopLevelList(files.kbText, 'entities', item);
    if (!edit) return undefined;
    changes.push(textEdit(kbUri, [edit], files.kbVersion));
  }
  if (plainChangesOnly) {
    // Only text edits were added above (creation was refused): send them as plain `changes`.
    const plain: Record<string, TextEdit[]> = {};
    for (const change of changes) {
      if ('textDocument' in change) plain[change.textDocument.uri] = [...(plain[change.textDocument.uri] ?? []), ...(change.edits as TextEdit[])];
    }
    return { edit: { changes: plain }, kbUri, id };
  }
  return { edit: { documentChanges: changes }, kbUri, id };
}

const start = { line: 0, character: 0 };

function textEdit(uri: string, edits: TextEdit[], version: number | null = null) {
  return { textDocument: { uri, version }, edits };
}

/** An id of the pattern `[a-z0-9]+(-[a-z0-9]+)*` made from a name, not yet `taken`. */
export function entityIdFor(name: string, taken: (id: string) => boolean): string {
  const base = idFromName(name) || 'entity';
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

/** The kind the reference's place in a claim demands, when only one fits; else `group`. */
function guessKind(ref: EntityReference, syntax: BriefSyntax): EntityKind {
  const same = (a: EntityReference) => a.line === ref.line && a.start === ref.start;
  for (const claim of syntax.claims) {
    const signature = predicateSignature(claim.predicate);
    if (!signature) continue;
    const allowed = same(claim.subject) ? signature.subject : same(claim.object) ? signature.object : undefined;
    if (allowed?.length === 1) return allowed[0];
  }
  return 'group';
}

/**
 * A string as a YAML scalar on the line of its key: as `yaml` writes it, unless that is a block
 * (`---` and `...` come out as `|-` and a line of their own, which the stub's indentation would
 * break), then double-quoted, which JSON's quoting is.
 */
function oneLine(value: string): string {
  const written = stringify(value).trimEnd();
  return written.includes('\n') ? JSON.stringify(value) : written;
}

/** The stub entity's YAML lines, as a list item at `indent`. */
function stubLines(id: string, name: string, kind: EntityKind, indent: string): string[] {
  const pad = `${indent}  `;
  return [
    // Quoted where YAML would read another type: `true`, `null` and `1e3` are ids too.
    `${indent}- id: ${oneLine(id)}`,
    `${pad}kind: ${kind} # TODO: the real kind: state, person, group, organization, initiative, place, facility or event`,
    `${pad}name: ${oneLine(name)}`,
    `${pad}summary: "TODO: one sentence on what the source says about it."`,
  ];
}

/**
 * An edit that adds an item to the top-level block list `key` of a YAML mapping (creating the
 * key when absent or empty), or undefined when the file's shape leaves no safe edit.
 */
export function addToTopLevelList(written: string, key: string, item: (indent: string) => string[]): TextEdit | undefined {
  // Positions are the editor's, which drops a leading BOM (a file not open is read with it).
  const text = written.charCodeAt(0) === 0xfeff ? written.slice(1) : written;
  const eol = lineEnding(text);
  const mapper = new OffsetMapper(text);
  const at = (offset: number): Range => mapper.rangeAt(offset, offset);
  if (text.trim() === '') return TextEdit.replace(mapper.rangeAt(0, text.length), [`${key}:`, ...item('  '), ''].join(eol));
  // A lone `\r` ends a line for the editor and the loader, not for `yaml`: one character for
  // another keeps every offset (read as it is, a file of lone `\r` is one comment line).
  const doc = parseDocument(text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text);
  if (doc.errors.length > 0) return undefined;
  const appendKey = () => {
    const sep = /[\r\n]$/.test(text) ? '' : eol;
    return TextEdit.insert(at(text.length).start, [`${sep}${key}:`, ...item('  '), ''].join(eol));
  };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return appendKey();
  if (!isMap(root)) return undefined;
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<YamlNode, YamlNode | null> | undefined;
  if (!pair) return appendKey();
  const value = pair.value;
  const keyStart = pair.key.range?.[0];
  if (keyStart === undefined) return undefined;
  const emptyValue = !value || (isScalar(value) && value.value === null) || (isSeq(value) && value.flow && value.items.length === 0);
  if (emptyValue) {
    // `key:` or `key: []`: the key's line becomes the head of a block list. A comment after the
    // value stays on that line (appended after the new items, it would break the last one).
    const end = value?.range?.[1] ?? text.indexOf(':', pair.key.range?.[1] ?? keyStart) + 1;
    const lineEnd = end + text.slice(end).search(/[\r\n]|$/);
    const comment = /^[ \t]*(#.*)?$/.exec(text.slice(end, lineEnd));
    if (!comment) return undefined;
    return TextEdit.replace(mapper.rangeAt(keyStart, lineEnd), [comment[1] ? `${key}: ${comment[1]}` : `${key}:`, ...item('  ')].join(eol));
  }
  if (!isSeq(value) || value.flow || !value.range) return undefined;
  const indent = ' '.repeat(mapper.positionAt(value.range[0]).character);
  // A block list's range ends after the newline of its last line, or at the end of the file.
  const end = value.range[1];
  const sep = end > 0 && !/[\r\n]/.test(text[end - 1]) ? eol : '';
  return TextEdit.insert(at(end).start, `${sep}${item(indent).join(eol)}${eol}`);
}

/** Joins and normalises `base/relative` (relative paths of `.briefrc.yaml` never hold `..`). */
function join(base: string, relative: string): string {
  const parts = `${base}/${relative}`.split('/').filter((p) => p !== '' && p !== '.');
  return `${base.startsWith('/') ? '/' : ''}${parts.join('/')}`;
}
