/**
 * Long work written once, as a generator that yields wherever it may stop for a while: the CLI
 * runs it straight through (`runSteps`); the server runs a KB's reload in slices (`runInSlices`),
 * answering the analyst's requests from the KB it had between them, rather than holding every
 * request until the reload is done (seconds, with 100,000 entities).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs the work through, without stopping. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs the work in slices of about `sliceMs`, awaiting `pause()` between two. */
export async function runInSlices<T>(steps: Steps<T>, pause: () => Promise<void>, sliceMs: number): Promise<T> {
  let sliceEnd = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= sliceEnd) {
      await pause();
      sliceEnd = performance.now() + sliceMs;
    }
  }
}

/** True once in every `every` calls: where a loop over entities may yield. */
export function stepper(every: number): () => boolean {
  let count = 0;
  return () => ++count % every === 0;
}
