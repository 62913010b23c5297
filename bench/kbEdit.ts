/**
 * Typing in a large KB file: what a keystroke costs the requests that need its entries' lines
 * (code lenses, definitions, references, symbols read the editor's text: kbEntries.ts).
 *
 * `node out/bench/kbEdit.js [entities]` (after `npx tsc -p bench/tsconfig.json`) writes the bench's
 * synthetic KB of that many entities (5,000 unless given; seed 7) as one file, in a temporary
 * folder, and times in-process, each a fresh string as an editor's next version would be:
 * - reading the whole text (as every keystroke did before round 13), clean and with an unclosed
 *   quote in an entry (an edit in progress: `yaml` then reads the text, not the fast reader);
 * - 30 keystrokes into one entry's summary, then 10 that leave it broken, each read as the server
 *   reads it (`WrittenEntriesCache`: only the items the edit touched again).
 * Prints median (min–max, n). Not part of `npm run bench`: the server's figures there do not open
 * KB files in the editor.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { entriesOfText, WrittenEntriesCache } from '../server/src/core/features/kbEntries';
import { generateKb } from './generate';
import { describeMachine, machineInfo } from './machine';
import { describe, summarize } from './stats';

function timed(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function main(): void {
  const count = Number(process.argv[2] ?? 5000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-kb-edit-'));
  try {
    generateKb(7, count, dir);
    // One file of all the kinds' entries: the size at which reading it whole shows.
    const kbDir = path.join(dir, 'kb');
    const bodies = fs.readdirSync(kbDir).map((f) => fs.readFileSync(path.join(kbDir, f), 'utf8').replace(/^(#.*\n)*entities:\n/, ''));
    let text = `entities:\n${bodies.join('')}`;
    const at = text.indexOf('    summary: ', text.length / 2) + '    summary: "'.length;
    const broken = (t: string, quotes: number) => `${t.slice(0, at)}${'"'.repeat(quotes)}${t.slice(at)}`;

    const whole: number[] = [];
    const wholeBroken: number[] = [];
    // A space at the end makes each a new string, as each editor version is.
    for (let i = 0; i < 5; i++) whole.push(timed(() => entriesOfText(text + ' '.repeat(i))));
    for (let i = 0; i < 5; i++) wholeBroken.push(timed(() => entriesOfText(broken(text, 1) + ' '.repeat(i))));

    const cache = new WrittenEntriesCache();
    const found = cache.entriesOf('file:///kb.yaml', text).length;
    const typed: number[] = [];
    const typedBroken: number[] = [];
    for (let i = 0; i < 30; i++) {
      text = `${text.slice(0, at)}x${text.slice(at)}`;
      typed.push(timed(() => cache.entriesOf('file:///kb.yaml', text)));
    }
    for (let i = 1; i <= 10; i++) typedBroken.push(timed(() => cache.entriesOf('file:///kb.yaml', broken(text, i))));
    const still = cache.entriesOf('file:///kb.yaml', broken(text, 1)).length;

    console.log(describeMachine(machineInfo()));
    console.log(`KB file: ${count} entities (${found} found; ${still} with the entry broken), ${(text.length / 1e6).toFixed(1)} MB`);
    console.log(`read whole, clean:              ${describe(summarize(whole))}`);
    console.log(`read whole, an entry broken:    ${describe(summarize(wholeBroken))}`);
    console.log(`keystroke, items read again:    ${describe(summarize(typed))}`);
    console.log(`keystroke leaving it broken:    ${describe(summarize(typedBroken))}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
