/**
 * Collecting the garbage that checking a large brief leaves, at once rather than when V8 gets to it.
 *
 * The editor's copy of an open brief is one string (vscode-languageserver-textdocument): each
 * keystroke in a megabyte brief makes a new megabyte string and leaves the last one dead, and
 * each open leaves a parse behind. Brief's own work per keystroke allocates little (one line is
 * parsed again), so young collections come rarely: the dead copies pile up (13 of them in the
 * bench's editing, seen with `v8.getHeapSpaceStatistics`) while the young generation grows to
 * its largest size. A young collection right after each check of a large brief keeps both down;
 * what it moves to the old generation (the live copy, the parse) is collected in full once the
 * old generation has grown by a few megabytes.
 *
 * Requests without edits between them (hovering through a brief, completions) allocate too, a
 * quarter of a megabyte per completion with its JSON-RPC traffic, and no check comes to collect
 * after them: V8 then fills its young generation to its largest size, 2 × 16 MiB once a session
 * has grown it, and touches memory the checks' collections never reached (the bench's session:
 * 92.7 MiB resident before its completions, 101.9 after). A young collection once an answer
 * leaves more than a few megabytes in the young generation keeps the requests within what the
 * checks touch; what requests leave is dead, so such a collection copies little.
 *
 * A full collection stops the server for as long as it takes to mark the heap: 15–20 ms for the
 * megabyte brief and the KB of 1,000 entities of the bench, far more with a 5 MB brief (opens
 * took a fifth longer when it ran up to 64 MiB) or a KB of 100,000 entities read from its YAML
 * (from the cache, its entities are made when first asked for: some 13 MiB of old generation).
 * Only an old generation of 32 MiB or less gets one here; a larger one is left to V8, which marks
 * it in steps.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

/**
 * V8's `gc` function (as `--expose-gc` makes it): a full collection without options, a young one
 * with `{ type: 'minor' }`. (Node 20's V8 takes any other options object for a young one.)
 */
type CollectGarbage = (options?: { type: 'minor' }) => void;

/** Briefs this long (UTF-16 units) or longer are large: each version's text is one of V8's large objects (over 128 KiB). */
export const LARGE_BRIEF = 256 * 1024;

export interface CollectorLimits {
  /** Growth of the old generation since the last full collection that calls for one, bytes. */
  readonly fullAfterGrowth: number;
  /** The same, after checks that followed edits only (see `afterCheck`), bytes. */
  readonly fullAfterEditGrowth: number;
  /** The most the old generation may hold for a full collection to be run here, bytes. */
  readonly fullHeapLimit: number;
  /** What the young generation may hold after an answer before a young collection follows it, bytes. */
  readonly youngAfterAnswer: number;
}

/**
 * The growth that calls for a full collection. Each check of a large brief moves its live text to
 * the old generation (the young collection after it), where the text dies at the next keystroke
 * and waits for a full collection: what the server holds above its floor while an analyst edits.
 * After edits, 4 MiB: the bench's session on the megabyte brief peaked at 93.9–96.7 MiB, against
 * 95.5–100.0 with 8 MiB for every check, for a full collection (4–18 ms, after the diagnostics
 * are out) every four or five edits instead of every eight or nine. After an open, still 8 MiB:
 * each open leaves a text and a parse, and with 4 MiB the full collections delayed the next open
 * of a run of opens (restoring an editor's tabs; the bench's didOpen goal) often enough to move
 * the median (docs/performance.md, round 29).
 */
export const DEFAULT_LIMITS: CollectorLimits = { fullAfterGrowth: 8 * 1024 * 1024, fullAfterEditGrowth: 4 * 1024 * 1024, fullHeapLimit: 32 * 1024 * 1024, youngAfterAnswer: 6 * 1024 * 1024 };

export type Collection = 'young' | 'full';

export class Collector {
  private scheduled = false;
  /** Whether every check the scheduled collection follows was of an edit (see `afterCheck`). */
  private onlyEdits = false;
  /** Bytes in the old generation after the last full collection. */
  private oldAfterFull = oldGenerationBytes();

  private readonly limits: CollectorLimits;

  /**
   * @param limits any of the limits, in place of the defaults
   * @param answerWritten resolves once what the server has handed its output stream is written
   *   (see `afterAnswer`); by default at once
   */
  constructor(
    private readonly collect: CollectGarbage,
    limits: Partial<CollectorLimits> = {},
    private readonly answerWritten: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /**
   * Call once a check of a brief of `length` UTF-16 units is published: collects after the
   * messages at hand. `edited`: the brief was checked before since it was opened, so the check
   * follows an edit (or a KB change), not an open; checks published together count as edits only
   * if all of them do.
   */
  afterCheck(length: number, edited = false): void {
    if (length < LARGE_BRIEF) return;
    if (this.scheduled) {
      this.onlyEdits &&= edited;
      return;
    }
    this.scheduled = true;
    this.onlyEdits = edited;
    setImmediate(() => {
      this.scheduled = false;
      this.collectNow(this.onlyEdits ? this.limits.fullAfterEditGrowth : this.limits.fullAfterGrowth);
    });
  }

  /**
   * Call once a request is answered: a young collection when the young generation holds more than
   * `youngAfterAnswer`, once the answer is written. The output stream writes what the pipe takes
   * and the rest as the client reads it, between the server's turns of the event loop: a
   * collection run first holds up the rest of a long answer (find references to an entity of
   * thousands of mentions, a megabyte) for as long as it takes: 6–7 ms in docs/performance.md,
   * round 20. While it waits (at most `outputWritten`'s limit), a check's collection is not asked
   * again: the one that follows covers both.
   */
  afterAnswer(): void {
    if (this.scheduled || youngGenerationBytes() < this.limits.youngAfterAnswer) return;
    this.scheduled = true;
    // The answer goes to the stream after this call, in the same turn: wait for it from the next.
    setImmediate(() => {
      void this.answerWritten().then(() => {
        this.scheduled = false;
        this.collect({ type: 'minor' });
      });
    });
  }

  /** A young collection, or a full one when the old generation has grown by `fullAfterGrowth` and is still small. */
  collectNow(fullAfterGrowth = this.limits.fullAfterGrowth): Collection {
    const old = oldGenerationBytes();
    if (old - this.oldAfterFull >= fullAfterGrowth && old <= this.limits.fullHeapLimit) {
      this.collect();
      this.oldAfterFull = oldGenerationBytes();
      return 'full';
    }
    this.collect({ type: 'minor' });
    return 'young';
  }
}

/** Bytes in use in the young generation (its large objects, such as a new brief's text, apart). */
export function youngGenerationBytes(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s.space_used_size;
  return 0;
}

/** Bytes in use in the old generation: objects that survived young collections, and large objects. */
export function oldGenerationBytes(): number {
  let bytes = 0;
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'old_space' || s.space_name === 'large_object_space') bytes += s.space_used_size;
  return bytes;
}

/**
 * A collector, or undefined where V8's `gc` cannot be had. Node has no API for it; the flag that
 * exposes it is set only while a context is made that has it (as jest does for its leak
 * detector), so the server's own code never sees a global `gc`. `answerWritten`: see the
 * constructor.
 */
export function createCollector(limits?: Partial<CollectorLimits>, answerWritten?: () => Promise<void>): Collector | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return new Collector(exposed as CollectGarbage, limits, answerWritten);
  try {
    setFlagsFromString('--expose-gc');
    const collect: unknown = runInNewContext('gc');
    return typeof collect === 'function' ? new Collector(collect as CollectGarbage, limits, answerWritten) : undefined;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
