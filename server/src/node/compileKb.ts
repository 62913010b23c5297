/**
 * Build step: reads the bundled KB once and writes its readings to `dist/kb-cache/`, so that the
 * extension, the server and brief-lint start without parsing the bundled YAML.
 * Usage: node dist/compile-kb.js <data folder> <cache folder>
 */
import { loadProject } from '../core/project';
import { hasErrors } from '../core/kb/knowledgeBase';
import { DiskReadingCache } from './kbCache';
import { counted } from '../core/wording';
import { NodeWorkspace } from './nodeWorkspace';

async function main(): Promise<number> {
  const [dataDir, cacheDir] = process.argv.slice(2);
  if (!dataDir || !cacheDir) {
    process.stderr.write('usage: compile-kb <data folder> <cache folder>\n');
    return 2;
  }
  // No stamps: what this writes ships to every machine, and a stamp holds only on this one.
  const state = await loadProject(new NodeWorkspace({ stamps: false }), { bundledDataDir: dataDir, trusted: false, configPath: null, cache: new DiskReadingCache([], cacheDir) });
  if (hasErrors(state.kbLoad.diagnostics)) {
    process.stderr.write('compile-kb: the bundled KB has errors; run brief-lint data/kb/*.yaml data/sources/*.yaml\n');
    return 1;
  }
  process.stdout.write(`compile-kb: ${counted(state.kbLoad.kb.entities.size, 'entity', 'entities')} cached in ${cacheDir}\n`);
  return 0;
}

main().then((code) => (process.exitCode = code));
