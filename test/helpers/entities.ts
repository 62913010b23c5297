/**
 * An entity as plain data, field by field in the loader's key order: a reading decoded from a
 * snapshot holds entities that build their relations and facts when asked (kb/snapshot.ts), so
 * tests compare what an entity says, not the class that holds it.
 */
import type { Entity } from '../../server/src/core/kb/model';

export function asLoaded(e: Entity): Entity {
  const { id, kind, name, aliases, summary, identifiers, relations, facts, origin, location } = e;
  return { id, kind, name, aliases, summary, identifiers, relations, facts, origin, location };
}

/** The entities of a KB as plain data, in order. */
export function entitiesAsLoaded(entities: ReadonlyMap<string, Entity> | readonly Entity[]): Entity[] {
  return [...entities.values()].map(asLoaded);
}
