/**
 * A large KB read again off the main thread. Saving one file of a KB of 100,000 entities held the
 * server for seconds (the changed file's YAML, the cross-file checks of every entity, the name
 * index), and a hover asked meanwhile waited as long: up to 1.5–4.2 s (docs/performance.md, round 26).
 * Now a worker thread runs that load first: its readings and its cross-file verdict land in the
 * disk cache (kbCache.ts), and the server's own load then finds them there, as a warm start does.
 * While the worker reads, the server answers from the KB it had, as during any reload.
 *
 * The worker is the server's own script (`dist/server.js`) started as a thread: main.ts asks
 * `isKbReadAhead()` before it does anything else.
 */
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { loadProject } from '../core/project';
import { hasErrors, UnsettledKb } from '../core/kb/knowledgeBase';
import { defaultReadingCache } from './kbCache';
import { NodeWorkspace } from './nodeWorkspace';

/** What the worker is asked to read: a folder's project, as `Folders` loads it. */
export interface ReadAheadRequest {
  readonly folder: string;
  readonly bundledDataDir: string;
  readonly trusted: boolean;
}

/**
 * Reads a folder's project into the reading cache; resolves once the cache holds it ('read'), or
 * once a file has an error ('unsettled': the cross-file checks then fall back on the files' last
 * good versions, which only the server keeps, so the worker leaves them to it; it stops as soon
 * as a file's own reading has one).
 */
export type ReadAhead = (request: ReadAheadRequest) => Promise<ReadAheadOutcome>;
export type ReadAheadOutcome = 'read' | 'unsettled';

/** The key of the worker's data that marks a read-ahead thread. */
const MARK = 'briefKbReadAhead';

/**
 * Read-ahead in worker threads of `script`, or undefined where it would be of no use: without a
 * folder to write readings to, the worker's work would be lost and the load done twice.
 */
export function readAheadInWorkers(script: string, cacheWritable: boolean): ReadAhead | undefined {
  if (!cacheWritable) return undefined;
  return (request) =>
    new Promise<ReadAheadOutcome>((resolve, reject) => {
      // stdout: true keeps what the thread might print off the process's stdout, which over
      // --stdio carries the protocol; its stderr joins the server's log.
      const worker = new Worker(script, { workerData: { [MARK]: request }, stdout: true, stderr: true });
      worker.stdout.resume();
      worker.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
      let outcome: ReadAheadOutcome | undefined;
      worker.once('message', (message: ReadAheadOutcome) => (outcome = message));
      worker.once('error', reject);
      worker.once('exit', (code) => (outcome ? resolve(outcome) : reject(new Error(`the worker ended with code ${code} before it had read the KB`))));
    });
}

/** Whether this thread is a read-ahead worker (and not the server). */
export function isKbReadAhead(): boolean {
  return !isMainThread && typeof workerData === 'object' && workerData !== null && MARK in workerData;
}

/** The worker's side: loads the project with the disk cache, which keeps what it reads, then says how it went. */
export async function runKbReadAhead(): Promise<void> {
  const request = (workerData as Record<string, ReadAheadRequest>)[MARK];
  let outcome: ReadAheadOutcome = 'read';
  try {
    const state = await loadProject(new NodeWorkspace(), { ...request, cache: defaultReadingCache(), fillCacheOnly: true });
    // An error of the cross-file checks (an id two files define) shows only once they have run:
    // they left no verdict either.
    if (hasErrors(state.kbLoad.diagnostics)) outcome = 'unsettled';
  } catch (error) {
    if (!(error instanceof UnsettledKb)) throw error;
    outcome = 'unsettled';
  }
  parentPort?.postMessage(outcome);
}
