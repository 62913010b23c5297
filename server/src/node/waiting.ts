/** Waiting without blocking: for a client that may never answer, and for turns of the event loop. */

/** What a promise gives, or undefined when it takes longer than `ms` (a client that never answers). */
export function withinTime<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Resolves after `count` turns of the event loop, each a `setImmediate`. */
export async function turnsOfTheLoop(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}
