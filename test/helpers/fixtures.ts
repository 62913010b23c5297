/**
 * Test fixtures: a project on the small test KB, and helpers that turn a brief with a `$0`
 * cursor marker into a document and a position.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver-types';
import { loadProject, type ProjectState } from '../../server/src/core/project';
import { createLanguageService, type LanguageService } from '../../server/src/core/languageService';
import { addFolder, MemoryWorkspace } from './memoryWorkspace';

export const MINI_DATA = '/mem/mini-data';
export const WORKSPACE = '/mem/ws';

/** A workspace holding the mini KB as bundled data, plus the given workspace files. */
export function miniWorkspace(files: Record<string, string> = {}): MemoryWorkspace {
  const ws = new MemoryWorkspace(files);
  addFolder(ws, 'test/fixtures/mini-data', MINI_DATA);
  return ws;
}

export async function miniProject(files: Record<string, string> = {}, trusted = true): Promise<ProjectState> {
  return loadProject(miniWorkspace(files), { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted });
}

let version = 0;
/** A brief document; `$0` (if present) marks the cursor and is removed from the text. */
export function brief(textWithCursor: string): { doc: TextDocument; cursor: Position } {
  const offset = textWithCursor.indexOf('$0');
  const text = offset >= 0 ? textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 2) : textWithCursor;
  const doc = TextDocument.create(`file://${WORKSPACE}/test.brief`, 'brief', ++version, text);
  return { doc, cursor: doc.positionAt(Math.max(0, offset)) };
}

/** The text a range covers. */
export function covered(doc: TextDocument, range: Range): string {
  return doc.getText(range);
}

export function service(): LanguageService {
  return createLanguageService();
}
