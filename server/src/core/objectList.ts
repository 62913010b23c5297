/**
 * An empty array that V8 already treats as a list of objects.
 *
 * A literal `[]` starts out as a list of small integers, and V8 does not carry the change to
 * "objects" over to the next array the same code makes. So each new parse's lists start in one
 * representation and change on their first push, and code optimised on one brief meets the other
 * representation on the next: it is thrown away and compiled again (seen with `--trace-deopt`
 * as "not a Smi" at a push, and "wrong map" where the lists are read), for several opens of a
 * large brief. Lists made here have the representation they will end up in from the start.
 */
export function objectList<T extends object>(): T[] {
  const list: T[] = [undefined as unknown as T];
  list.pop();
  return list;
}
