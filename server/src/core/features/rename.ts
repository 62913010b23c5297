/**
 * Rename on a reference: renames the id of an entity of a workspace KB file.
 *
 * What changes:
 * - the `id:` value of the entity, in the KB file that defines it (entity.location);
 * - `target: <old id>` of relations, in every workspace KB file;
 * - every brief reference that names the entity by its id: written as the id itself (`@kab`,
 *   `@[kab]`), or spelled so that it matches the id and no name or alias (`@KAB` for an entity
 *   named "Kant Air Base"). Only the name part changes, so the form is kept.
 * References by name or alias stay as written: they still resolve after the rename.
 *
 * Refusals come back as `{ error }` (the server turns them into a ResponseError): entities of
 * the bundled KB (shipped with Brief, not the analyst's to rename), references that do not name
 * exactly one entity, a new name that is not an id or already names another entity, and KB
 * files that cannot be edited safely (missing text, broken YAML).
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, type Scalar } from 'yaml';
import { TextEdit, type Location, type Position, type Range, type WorkspaceEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { referenceAt, type BriefSyntax, type EntityReference } from '../syntax';
import type { Entity } from '../kb/model';
import type { Project } from '../project';
import { normalizeName } from '../normalize';
import { comparePositions, OffsetMapper } from '../text';
import { relativeUri } from '../kb/fileNames';
import { blockContentRange } from './kbEntries';
import { abbreviationDot, rewrittenEnd } from './referenceText';
import { CANDIDATES_NAMED } from '../validation';

/** A refusal to rename, with the reason the analyst sees. */
export interface RenameRefusal {
  readonly error: string;
}

/** What a rename needs beyond the current document. */
export interface RenameInputs {
  /** Every reference to the entity in the workspace's briefs (the workspace index); ranges of the whole reference or of its name. */
  findReferences(entity: Entity): readonly Location[];
  /** The syntax tree of a brief that `findReferences` returned (the workspace index's `syntaxOf`), to see how each reference is written. */
  briefSyntax(uri: string): BriefSyntax | undefined;
  /** Every workspace KB file, with its current text. */
  readonly kbFiles: readonly { readonly uri: string; readonly text: string }[];
  /** A line of a brief as the editor has it (open) or the disk does, for what follows a reference. */
  briefLine?(uri: string, line: number): string | undefined;
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export class RenameProvider {
  /** The range to rename (the reference's name) and the id as placeholder; a refusal; or null off references. */
  prepareRename(syntax: BriefSyntax, project: Project, position: Position): { range: Range; placeholder: string } | RenameRefusal | null {
    const ref = referenceAt(syntax, position);
    if (!ref) return null;
    const entity = renamable(ref, project);
    if ('error' in entity) return entity;
    return { range: ref.nameRange, placeholder: entity.id };
  }

  /** The edits that rename the entity's id to `newName`, or a refusal; null off references. */
  provideRename(
    document: Pick<TextDocument, 'uri'>,
    syntax: BriefSyntax,
    project: Project,
    position: Position,
    newName: string,
    inputs: RenameInputs,
  ): WorkspaceEdit | RenameRefusal | null {
    const ref = referenceAt(syntax, position);
    if (!ref) return null;
    const entity = renamable(ref, project);
    if ('error' in entity) return entity;
    const newId = newName.trim().replace(/^@/, '');
    if (newId === entity.id) return { changes: {} };
    if (!ID.test(newId)) {
      const hint = normalizeName(newId).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      return { error: `'${newName}' is not an id: ids are lower-case letters and digits in words joined by '-'${hint ? `, e.g. ${hint}` : ''}.` };
    }
    const clash = project.resolver.kb.lookup(newId).find((e) => e.id !== entity.id);
    if (clash) return { error: `'${newId}' already names ${clash.name} (@${clash.id}): choose another id.` };

    const changes: Record<string, TextEdit[]> = {};
    const add = (uri: string, edit: TextEdit) => (changes[uri] ??= []).push(edit);

    // Files are named from the brief the rename starts in, as the KB's own messages name them.
    const named = (uri: string) => relativeUri(document.uri, uri);
    const kbEdits = kbFileEdits(entity, newId, inputs.kbFiles, named);
    if ('error' in kbEdits) return kbEdits;
    for (const [uri, edits] of kbEdits) edits.forEach((e) => add(uri, e));

    const rewrite = (r: EntityReference) => usesId(r, entity);
    /**
     * The edit of a reference's name, as the quick fixes make theirs: an abbreviation's last `.`
     * is taken in where it would be left glued to the id (`@K.A.B. opposes` → `@kyrgyz-brigade
     * opposes`), and the `_` that end a short name stay (`_by @kab_`).
     */
    const nameEdit = (uri: string, tree: BriefSyntax, r: EntityReference) => {
      const line = inputs.briefLine?.(uri, r.line);
      const subject = tree.claims.some((c) => c.subject.line === r.line && c.subject.start === r.start);
      const dot = line === undefined ? 0 : abbreviationDot(r, line, `@${newId}`, subject);
      const end = dot > 0 ? r.end + dot : Math.min(r.nameEnd, rewrittenEnd(r));
      return TextEdit.replace({ start: r.nameRange.start, end: { line: r.line, character: end } }, newId);
    };
    for (const r of syntax.references) if (rewrite(r) && resolvesTo(r, project, entity)) add(document.uri, nameEdit(document.uri, syntax, r));
    for (const location of inputs.findReferences(entity)) {
      if (location.uri === document.uri) continue; // the current document's own tree is newer than the index
      const other = inputs.briefSyntax(location.uri);
      if (!other) return { error: `${named(location.uri)} refers to ${entity.name} but is not indexed: the rename would leave it behind.` };
      const r = referenceAt(other, location.range.start);
      if (r && rewrite(r) && !changes[location.uri]?.some((e) => comparePositions(e.range.start, r.nameRange.start) === 0)) {
        add(location.uri, nameEdit(location.uri, other, r));
      }
    }
    return { changes };
  }
}

/** The entity a reference names, if the analyst may rename it; else why not. */
function renamable(ref: EntityReference, project: Project): Entity | RenameRefusal {
  const written = ref.form === 'bracket' ? `@[${ref.name}]` : `@${ref.name}`;
  const r = project.resolver.resolve(ref.name);
  if (r.status === 'unknown') return { error: `'${written}' names no entity of the knowledge base.` };
  if (r.status === 'ambiguous') {
    const ids = r.candidates.slice(0, CANDIDATES_NAMED).map((e) => `@${e.id}`).join(', ');
    const more = r.candidates.length > CANDIDATES_NAMED ? ` and ${r.candidates.length - CANDIDATES_NAMED} more` : '';
    return { error: `'${written}' is ambiguous (${ids}${more}): rename from a reference to one entity.` };
  }
  if (r.entity.origin === 'bundled') {
    return { error: `${r.entity.name} (@${r.entity.id}) is an entity of Brief's bundled knowledge base; only entities of your workspace KB files can be renamed.` };
  }
  return r.entity;
}

/** True when the reference names the entity through its id, so that it must follow a new id. */
function usesId(ref: EntityReference, entity: Entity): boolean {
  const written = normalizeName(ref.name);
  if (written !== normalizeName(entity.id)) return false;
  if (ref.name === entity.id) return true;
  return ![entity.name, ...entity.aliases].some((label) => normalizeName(label) === written);
}

function resolvesTo(ref: EntityReference, project: Project, entity: Entity): boolean {
  const r = project.resolver.resolve(ref.name);
  return r.status === 'resolved' && r.entity.id === entity.id;
}

/** Edits to `id:` in the defining file and `target:` in every workspace KB file. */
function kbFileEdits(entity: Entity, newId: string, files: RenameInputs['kbFiles'], named: (uri: string) => string): Map<string, TextEdit[]> | RenameRefusal {
  const out = new Map<string, TextEdit[]>();
  const home = files.find((f) => f.uri === entity.location.uri);
  if (!home) return { error: `The KB file that defines '${entity.id}' (${named(entity.location.uri)}) is not available.` };
  let renamedId = false;
  for (const file of files) {
    const defines = file.uri === entity.location.uri;
    if (!defines && !file.text.includes(entity.id)) continue;
    // A lone `\r` ends a line for the editor and the loader, not for `yaml`: one character for
    // another keeps every offset.
    const doc = parseDocument(file.text.includes('\r') ? file.text.replace(/\r(?!\n)/g, '\n') : file.text);
    if (doc.errors.length > 0) return { error: `Fix the YAML errors in ${named(file.uri)} first: the rename edits that file.` };
    const mapper = new OffsetMapper(file.text);
    const edits: TextEdit[] = [];
    const replace = (node: Scalar) => {
      if (!node.range) return;
      // A block scalar keeps its header and line break: only the id in it changes.
      const block = blockContentRange(node, file.text, mapper);
      if (block) return void edits.push(TextEdit.replace(block, newId));
      const quote = node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : '';
      // Written plain, an id YAML reads as another type (`true`, `null`) is quoted.
      const written = quote ? `${quote}${newId}${quote}` : stringify(newId).trimEnd();
      edits.push(TextEdit.replace(mapper.rangeAt(node.range[0], node.range[1]), written));
    };
    const root = doc.contents;
    const list = isMap(root) ? root.get('entities', true) : undefined;
    for (const item of isSeq(list) ? list.items : []) {
      if (!isMap(item)) continue;
      const id = item.get('id', true);
      if (defines && isScalar(id) && id.value === entity.id) {
        replace(id);
        renamedId = true;
      }
      const relations = item.get('relations', true);
      for (const relation of isSeq(relations) ? relations.items : []) {
        const target = isMap(relation) ? relation.get('target', true) : undefined;
        if (isScalar(target) && target.value === entity.id) replace(target);
      }
    }
    if (edits.length > 0) out.set(file.uri, edits);
  }
  if (!renamedId) return { error: `'id: ${entity.id}' was not found in ${named(entity.location.uri)}: has the file changed since it was loaded?` };
  return out;
}
