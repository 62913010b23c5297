/**
 * Checks closed briefs and publishes their problems in short slices, so that requests are
 * answered while ten thousand briefs are checked: after indexing, and after a KB file or the
 * config changed (a save re-checked them in one block: a hover asked then waited 2 s).
 *
 * One check at a time per folder. A KB file saved again and again (autosave, a tool writing the
 * KB file by file) reloads the folder each time, and each reload re-checks the thousands of
 * briefs with a problem on screen: run side by side, ten saves made ten checks of every brief,
 * all with the newest KB (`publish` takes the folder as it is now), and the last one ended only
 * when all had (10 s after ten saves in a second, 54 s after fifty, for the workspace of 10,000
 * briefs), each holding its KB meanwhile. A check under way takes the new briefs into its queue
 * instead: one not reached yet is checked once, with the KB of then; one done already is queued
 * again.
 */
import type { WorkspaceIndex } from '../core/workspaceIndex';
import type { Folder } from './folders';
import { turnsOfTheLoop } from './waiting';

/** How long closed briefs are checked before the server looks at its messages again, ms. */
const SLICE_MS = 4;

/** What the checks need from the session. */
export interface ClosedBriefHost {
  /** Checks these closed briefs of the folder and publishes their problems. */
  publish(folder: Folder, uris: Iterable<string>): Promise<void>;
  /** Whether the folder is still this view's and the server still running: else the check stops. */
  current(folder: Folder): boolean;
  /** Resolves once no request is in flight. */
  quiet(): Promise<void>;
  /** Runs `run`, logging a failure instead of throwing it. */
  safely(what: string, run: () => Promise<void>): Promise<void>;
}

/** A folder's closed briefs being checked, and those still to check. */
interface Recheck {
  /** The folder's latest view: `publish` checks with its project as it is now. */
  folder: Folder;
  /** In the order they are to be checked; a brief queued again while waiting keeps its place. */
  readonly pending: Set<string>;
  /** Resolves once the queue is empty, including briefs queued after the check began. */
  done: Promise<void>;
}

export class ClosedBriefChecks {
  /** The check under way in each folder, by the folder's index. */
  private readonly running = new Map<WorkspaceIndex, Recheck>();

  constructor(private readonly host: ClosedBriefHost) {}

  /** Checks these closed briefs of the folder; resolves once its queue is empty. */
  check(folder: Folder, uris: readonly string[]): Promise<void> {
    const running = this.running.get(folder.index);
    if (running) {
      // The newest view: the check does not keep the project of an older load alive.
      running.folder = folder;
      for (const uri of uris) running.pending.add(uri);
      return running.done;
    }
    const job: Recheck = { folder, pending: new Set(uris), done: Promise.resolve() };
    this.running.set(folder.index, job);
    job.done = this.host.safely('re-checking closed briefs', () => this.drain(job));
    return job.done;
  }

  /** Checks a folder's queued briefs in slices until none is left. */
  private async drain(job: Recheck): Promise<void> {
    const { pending } = job;
    try {
      while (pending.size > 0 && this.host.current(job.folder)) {
        const sliceEnd = performance.now() + SLICE_MS;
        const sent: Promise<void>[] = [];
        for (const uri of pending) {
          pending.delete(uri);
          sent.push(this.host.publish(job.folder, [uri]));
          if (performance.now() >= sliceEnd) break;
        }
        await this.afterSlice(sent);
      }
    } finally {
      // In the same turn as the last look at the queue: briefs queued after it start a new check.
      this.running.delete(job.folder.index);
    }
  }

  /** Between two slices of checks: their diagnostics written, and requests answered first. */
  private async afterSlice(sent: readonly Promise<void>[]): Promise<void> {
    // Wait until they are written: an answer queues behind every message not yet sent.
    await Promise.all(sent);
    // vscode-jsonrpc hands a message it has read to its handler two turns of the event loop
    // later (its read lock, then its queue of messages, each wait for `setImmediate`): after
    // three turns, a request that came during the slice has begun, and counts as in flight.
    // With one, the next slices ran first: 10–15 ms more for find references asked then.
    await turnsOfTheLoop(3);
    await this.host.quiet();
  }
}
