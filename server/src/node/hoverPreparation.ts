/**
 * Preparing a KB for hovers while the analyst reads. An entity's card counts and lists the
 * relations that other entities hold to it, which needs the KB's index of incoming relations
 * (kb/incomingRelations.ts): about 0.18 s of work with 100,000 entities, which no start should
 * pay and which the first hover used to wait for. Once a brief's diagnostics are out, the server
 * builds it here in short slices, each after a pause and only when the session is idle. (A KB
 * whose cross-file pass was clean, or that a stored verdict gave, comes with the index made: this
 * is for the others, such as a KB with a broken workspace file.)
 */
import type { KnowledgeBase } from '../core/kb/knowledgeBase';
import { counted } from '../core/wording';

/** How many steps between two looks at the clock. */
const STEP = 256;
/** The longest a slice runs, ms. */
const SLICE_MS = 4;
/**
 * The pause before each slice after the first, ms. Not `setImmediate`: a megabyte brief arrives
 * in many reads of the pipe, and the server cannot tell that a message is under way, so slices
 * one right after the other would run between those reads and hold the brief's open up.
 */
const PAUSE_MS = 20;

/** What a preparation cost: its own time, in how many slices (none when the KB came with its index), over how long. */
export interface Preparation {
  readonly work: number;
  readonly slices: number;
  readonly wall: number;
}

/**
 * Builds `kb`'s index of incoming relations in slices; before each slice after the first it
 * waits `PAUSE_MS`, then for `idle` (no check pending, no request being answered). A hover that
 * comes meanwhile finishes the index itself, and this ends at its next slice.
 */
export async function prepareForHovers(kb: KnowledgeBase, idle: () => Promise<void>): Promise<Preparation> {
  // A clean cross-file pass, or its stored verdict, made the index: no slice to run.
  if (kb.prepareIncoming(0)) return { work: 0, slices: 0, wall: 0 };
  const started = performance.now();
  let work = 0;
  let slices = 0;
  for (;;) {
    const sliceStart = performance.now();
    let done: boolean;
    do done = kb.prepareIncoming(STEP);
    while (!done && performance.now() < sliceStart + SLICE_MS);
    work += performance.now() - sliceStart;
    slices++;
    if (done) return { work, slices, wall: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    await idle();
  }
}

/** The server's log line for a preparation of a KB of `entities` entities. */
export function preparationReport(entities: number, p: Preparation): string {
  if (p.slices === 0) return `Prepared hovers for ${counted(entities, 'entity', 'entities')}: the KB came with its index of incoming relations.`;
  return `Prepared hovers for ${counted(entities, 'entity', 'entities')}: ${Math.round(p.work)} ms of work in ${counted(p.slices, 'slice')} over ${Math.round(p.wall)} ms.`;
}
