/**
 * The floor as a whole process, the command-line counterpart of brief-lint: read the KB's names
 * and one brief, make the floor's regex pass (floor.ts), print the unknown references as JSON.
 * Usage: node floorProcess.js <names.json> <brief>. It shows what any Node linter of a megabyte
 * brief pays at least, beside brief-lint and `node -e 0`.
 */
import * as fs from 'fs';
import { floorCheck, loadNameTable } from './floor';

const [namesFile, briefFile] = process.argv.slice(2);
if (!namesFile || !briefFile) {
  process.stderr.write('usage: node floorProcess.js <names.json> <brief>\n');
  process.exit(2);
}
const names = loadNameTable(fs.readFileSync(namesFile, 'utf8'));
const { unknown } = floorCheck(fs.readFileSync(briefFile, 'utf8'), names);
process.stdout.write(`${JSON.stringify(unknown)}\n`);
