/**
 * A full collection of the bench's own heap before a session's opens, before its edits (whose
 * hovers and completions follow) and before a workspace session's server starts (measure.ts).
 *
 * The bench's process holds what it generated (the KB of 100,000 entities, the documents, the
 * peer's parsed Markdown) and drops much of it between sections: some 180 MB of garbage when the
 * session on the KB of 100,000 begins. While a session waits on a server, the process is nearly
 * idle, and V8's memory reducer starts an incremental full collection whose steps run on the
 * bench's main thread between the server's answers: a hover's round trip then includes the
 * client's marking (seen with `--trace-gc`: 146 steps, 44 ms, over one session's hovers). Which
 * server's series that lands in depends on the order of the sections, so each session starts
 * from a collected heap instead.
 */
import * as v8 from 'v8';
import * as vm from 'vm';

let collect: (() => void) | undefined;

/** Collects the bench's heap in full, if V8 lets it (it does: `--expose-gc` is set here). */
export function collectClientHeap(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}
