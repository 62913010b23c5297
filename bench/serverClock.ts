/**
 * Preloaded into a server by `requestProbe --split` (`node --require=out/bench/serverClock.js`):
 * notes when each request of one method reaches the server's stdin and when the server writes an
 * answer, on the machine's clock (`performance.timeOrigin + performance.now()`, comparable between
 * processes), and its garbage collections (`observeCollections`, which the probe also uses for its
 * own), and writes the notes as JSON to BENCH_CLOCK_FILE when the server exits. The probe
 * sets both variables; BENCH_CLOCK_METHOD names the method (e.g. `textDocument/hover`).
 *
 * A request is seen when a chunk of stdin holds its method's name, and its answer when the server
 * writes a response, so one request must be in flight at a time, as the probe sends them.
 */
import * as fs from 'fs';
import { performance, PerformanceObserver, constants } from 'perf_hooks';

const file = process.env.BENCH_CLOCK_FILE;
const method = process.env.BENCH_CLOCK_METHOD;
if (file && method) {
  const now = () => performance.timeOrigin + performance.now();
  const read: number[] = [];
  const written: number[] = [];
  const collections = observeCollections();
  let waiting = false;
  process.stdin.on('data', (chunk: Buffer) => {
    if (chunk.includes(`"method":"${method}"`)) {
      read.push(now());
      waiting = true;
    }
  });
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (waiting && String(chunk).includes('"result"')) {
      written.push(now());
      waiting = false;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.on('exit', () => fs.writeFileSync(file, JSON.stringify({ read, written, collections })));
}

/** One of V8's collections, on the machine's clock. */
export interface Collection {
  readonly start: number;
  readonly ms: number;
  readonly kind: 'young' | 'full' | 'other';
}

/** Notes each of this process's garbage collections (Node reports them as `gc` performance entries) in the list it returns. */
export function observeCollections(): Collection[] {
  const seen: Collection[] = [];
  const kindOf = (kind: number | undefined): Collection['kind'] =>
    kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'young' : kind === constants.NODE_PERFORMANCE_GC_MAJOR ? 'full' : 'other';
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      seen.push({ start: performance.timeOrigin + e.startTime, ms: e.duration, kind: kindOf(((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind) });
    }
  }).observe({ entryTypes: ['gc'] });
  return seen;
}
