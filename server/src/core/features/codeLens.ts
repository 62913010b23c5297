/**
 * Code lenses on KB YAML files: above each entity's `- id:` line, "N mentions in M briefs",
 * which opens the references in the editor's peek view. In a KB file open with unsaved edits
 * the lenses sit on the entries of the editor's text (kbYaml.ts).
 */
import type { CodeLens, Location } from 'vscode-languageserver-types';
import type { FolderScope } from '../workspaceIndex';
import { entitiesIn, KB_AS_LOADED, type KbFilesAsSeen } from './kbYaml';
import { counted } from '../wording';

/** The editor command that shows a list of locations; the client turns the plain arguments into its own types. */
export const SHOW_REFERENCES_COMMAND = 'editor.action.showReferences';

export class CodeLensProvider {
  /** One lens per entity defined in the KB file `uri`, counting mentions in the briefs of every folder. */
  provideCodeLenses(uri: string, scopes: readonly FolderScope[], seen: KbFilesAsSeen = KB_AS_LOADED): CodeLens[] {
    // The same bundled entity shows in every folder's KB: gather its references across folders, by id.
    const byId = new Map<string, { range: CodeLens['range']; locations: Map<string, Location> }>();
    for (const { project, index } of scopes) {
      const kb = project.resolver.kb;
      for (const { entity, range } of entitiesIn(kb, uri, seen)) {
        const entry = byId.get(entity.id) ?? { range, locations: new Map<string, Location>() };
        byId.set(entity.id, entry);
        for (const l of index.referencesTo(entity, kb)) entry.locations.set(`${l.uri}#${l.range.start.line}:${l.range.start.character}`, l);
      }
    }
    return [...byId.values()].map(({ range, locations }) => {
      const list = [...locations.values()];
      const briefs = new Set(list.map((l) => l.uri)).size;
      const title = `${counted(list.length, 'mention')} in ${counted(briefs, 'brief')}`;
      return {
        range,
        command: { title, command: SHOW_REFERENCES_COMMAND, arguments: [uri, range.start, list] },
      };
    });
  }
}
