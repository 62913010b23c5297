/**
 * Summaries of V8 CPU profiles (`node --cpu-prof`): where the time of a server process went,
 * by function, self and inclusive. `npm run bench -- --profile` runs Brief's server from the
 * unminified tsc output with --cpu-prof and prints these; `node out/bench/profile.js <file|dir>`
 * summarises any profile.
 */
import * as fs from 'fs';
import * as path from 'path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface FunctionTime {
  readonly name: string;
  readonly self: number;
  readonly total: number;
}

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '');
  const short = file.startsWith(root) ? path.relative(root, file) : file.replace(/.*node_modules\//, '');
  return `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
}

/** Self and inclusive time (ms) per function; recursion is counted once. */
export function functionTimes(profile: CpuProfile, root: string): { total: number; functions: FunctionTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id);
    if (!node) return 0;
    const name = label(node, root);
    let sum = selfUs.get(id) ?? 0;
    self.set(name, (self.get(name) ?? 0) + sum);
    const fresh = !onStack.has(name);
    if (fresh) onStack.add(name);
    for (const child of node.children ?? []) sum += walk(child, onStack);
    if (fresh) {
      onStack.delete(name);
      total.set(name, (total.get(name) ?? 0) + sum);
    }
    return sum;
  };
  const rootId = profile.nodes[0]?.id;
  const all = rootId === undefined ? 0 : walk(rootId, new Set());
  const functions = [...total.keys()].map((name) => ({ name, self: (self.get(name) ?? 0) / 1000, total: (total.get(name) ?? 0) / 1000 }));
  return { total: all / 1000, functions };
}

/** The top functions of every profile in a folder (or one file), as text. */
export function summarizeProfiles(target: string, top = 15): string {
  if (!fs.existsSync(target)) return `no profiles in ${target}`;
  const files = fs.statSync(target).isDirectory()
    ? fs.readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(target, f))
    : [target];
  const root = path.resolve(__dirname, '..', '..');
  const out: string[] = [];
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
    const { total, functions } = functionTimes(profile, root);
    const idle = functions.find((f) => f.name.startsWith('(idle)'))?.self ?? 0;
    out.push(`${path.basename(file)}: ${(total / 1000).toFixed(1)} s sampled, ${((total - idle) / 1000).toFixed(1)} s busy`);
    const busy = functions.filter((f) => !/^\((idle|root|program|garbage collector)\)/.test(f.name));
    out.push('  self time:');
    for (const f of [...busy].sort((a, b) => b.self - a.self).slice(0, top)) out.push(`    ${f.self.toFixed(0).padStart(7)} ms  ${f.name}`);
    const gc = functions.find((f) => f.name.startsWith('(garbage collector)'));
    if (gc) out.push(`    ${gc.self.toFixed(0).padStart(7)} ms  (garbage collector)`);
    out.push('  inclusive time:');
    for (const f of [...busy].sort((a, b) => b.total - a.total).slice(0, top)) out.push(`    ${f.total.toFixed(0).padStart(7)} ms  ${f.name}`);
  }
  return out.join('\n');
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('usage: node out/bench/profile.js <file.cpuprofile|folder> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${summarizeProfiles(target, Number(process.argv[3] ?? 15))}\n`);
}
