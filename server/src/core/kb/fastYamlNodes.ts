/**
 * The nodes the simple YAML reader (fastYaml.ts) builds: the parts of `yaml`'s `Scalar`,
 * `YAMLMap`, `Pair` and `YAMLSeq` that `Field` (yamlFile.ts) reads, without what makes `yaml`'s
 * costly to create by the million (a `defineProperty` per node, a schema per collection).
 */
export type Range3 = [number, number, number];

/** Thrown inside the reader when the text leaves the subset; never escapes `parseSimpleYaml`. */
export class Unsupported extends Error {}
export const UNSUPPORTED = new Unsupported('outside the simple YAML subset');

export class SimpleScalar {
  constructor(
    readonly value: unknown,
    readonly range: Range3,
    /** `yaml`'s name for a block scalar's style (`target: >-`); none for the others. */
    readonly type?: 'BLOCK_FOLDED' | 'BLOCK_LITERAL',
  ) {}
}
export class SimplePair {
  constructor(
    readonly key: SimpleScalar,
    readonly value: SimpleNode,
  ) {}
}
export class SimpleMap {
  readonly items: SimplePair[] = [];
  range!: Range3;
  /** The first pair's value under `key`, as `YAMLMap.get(key, true)` finds it. */
  get(key: string): SimpleNode | undefined {
    for (const pair of this.items) if (pair.key.value === key) return pair.value;
    return undefined;
  }
}
export class SimpleSeq {
  readonly items: SimpleNode[] = [];
  range!: Range3;
}
export type SimpleNode = SimpleScalar | SimpleMap | SimpleSeq;

/**
 * A string that does not share the file's text. V8 makes a slice of 13 characters or more a view
 * into its parent, so one id kept by the KB would keep the whole file (tens of megabytes) alive.
 * Joining forces a flat copy; the slice that follows views that small copy, not the file.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}
