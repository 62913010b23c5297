/**
 * One did-you-mean search of the name index (nameIndex.ts `similar`): the query prepared once
 * (its words, character-class masks and bit-parallel distance), and the best entities so far,
 * whose scores raise the bar every other name must clear.
 */
import { classMasks, MASK_LEVELS, QueryDistance } from './nameDistance';

/** Suggestions below this similarity (0–1) are noise, not help. */
export const MIN_SIMILARITY = 0.55;
/**
 * Nor is a suggestion much worse than the best one: `@Tajikstan` should hear "Tajikistan", not
 * also two names that share half their letters with it. This bar also lets the search skip
 * most of a large KB once it has found a close name.
 */
export const SUGGESTION_MARGIN = 0.15;

/** One `similar` search: the query, prepared once, and the best entities found so far. */
export class Search {
  readonly words: string[];
  readonly masks = new Int32Array(MASK_LEVELS);
  readonly distance: QueryDistance;
  /** Scores below this cannot be suggested: never below `MIN_SIMILARITY`, and rising as `top` fills. */
  threshold = MIN_SIMILARITY;
  private readonly best = new Map<string, number>();
  /** The `max` best distinct entities so far; once full, a key must reach the last one's score. */
  private readonly top: { id: string; score: number }[] = [];

  constructor(
    readonly query: string,
    private readonly max: number,
  ) {
    this.words = query.split('-');
    classMasks(query, this.masks, 0, 1);
    this.distance = new QueryDistance(query);
  }

  /** Records `score` for an entity of a key, and raises the threshold if the top list improved. */
  offer(id: string, score: number): void {
    if (score < this.threshold || score <= (this.best.get(id) ?? 0)) return;
    const { best, top, max } = this;
    best.set(id, score);
    const at = top.findIndex((t) => t.id === id);
    if (at >= 0) top[at].score = score;
    else if (top.length < max) top.push({ id, score });
    else if (score > top[top.length - 1].score) top[top.length - 1] = { id, score };
    else return;
    top.sort((a, b) => b.score - a.score);
    this.threshold = Math.max(this.threshold, top[0].score - SUGGESTION_MARGIN);
    if (top.length === max) this.threshold = Math.max(this.threshold, top[top.length - 1].score);
  }


  /** The entities that stayed within the final threshold, with their scores. */
  result(): Map<string, number> {
    for (const [id, s] of this.best) if (s < this.threshold) this.best.delete(id);
    return this.best;
  }
}
