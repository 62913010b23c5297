/**
 * The requests being answered, for the background work that steps aside for them: checking ten
 * thousand closed briefs after indexing must not make a hover or a find-references wait.
 */

/** How long after the last answer the check of closed briefs goes on, ms. */
export const QUIET_MS = 50;
/** The longest the check of closed briefs waits for such a pause, ms: under requests without end it still gets a slice in 25. */
const BUSY_WAIT_MS = 100;
/** The longest the check of closed briefs waits for a request being answered, ms. */
const REQUEST_WAIT_MS = 1000;

export class RequestTraffic {
  /** Requests being answered, and who waits for there to be none (see `quiet`). */
  private inFlight = 0;
  private readonly waitingForQuiet: (() => void)[] = [];
  /** When the last answer went out (`performance.now()`). */
  private lastAnswer = -Infinity;

  /** A request is being answered. */
  started(): void {
    this.inFlight++;
  }

  /**
   * Its answer is returned, and is out once `written` resolves (the output has written it; at
   * once without it). A megabyte (find references to an entity of thousands of mentions) goes out
   * as the client reads it, a few hundred KB per turn of the event loop, and the check of closed
   * briefs, which goes on after `BUSY_WAIT_MS` of requests without a pause, ran its slices in
   * those turns: 10–14 ms between two writes of one answer (docs/performance.md, round 21). The
   * answer reaches the output after it is returned, in the same turn: `written` is asked from the
   * next one.
   */
  returned(written?: () => Promise<void>): void {
    if (!written) return this.finished();
    setImmediate(() => void written().then(() => this.finished()));
  }

  /** Its answer is out. */
  private finished(): void {
    this.lastAnswer = performance.now();
    if (--this.inFlight === 0) for (const wake of this.waitingForQuiet.splice(0)) wake();
  }

  /**
   * Resolves once no request is being answered and none was for `QUIET_MS` (requests come in
   * runs: the next find-references, hover or completion is usually a few ms behind the last).
   * An analyst who never pauses still lets the check go on: it waits `BUSY_WAIT_MS` at most for
   * a pause, and `REQUEST_WAIT_MS` at most for a request that is being answered (one that never
   * ends must not stop the workspace's diagnostics).
   */
  async quiet(): Promise<void> {
    const started = performance.now();
    for (;;) {
      const waited = performance.now() - started;
      if (this.inFlight > 0) {
        if (waited >= REQUEST_WAIT_MS) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, REQUEST_WAIT_MS - waited);
          this.waitingForQuiet.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        continue;
      }
      const quietFor = performance.now() - this.lastAnswer;
      if (quietFor >= QUIET_MS || waited >= BUSY_WAIT_MS) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(QUIET_MS - quietFor, BUSY_WAIT_MS - waited)));
    }
  }
}
