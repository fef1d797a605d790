import type { DataVersion, EventData, EventType, VersionedEventData, VersionedEventType } from '../schemas/events/catalog';
import type { Refusal } from './refusal';

/**
 * An event a rule decided on, for the workflow's outbox. Its type must be in the event catalogue
 * and its data of that type's shape (or of a later data version's, named by `version`), checked
 * at compile time; the publishing activity checks it again at run time.
 */
export type DecidedEvent =
  | { [T in EventType]: { type: T; key: string; data: EventData<T>; version?: undefined } }[EventType]
  | { [T in VersionedEventType]: { [V in DataVersion<T>]: { type: T; key: string; data: VersionedEventData<T, V>; version: V } }[DataVersion<T>] }[VersionedEventType];

/**
 * What every entity's pure rule answers when it accepts a request: the entity's new state, the
 * events the change produced (in the order they happened) and the caller's result. The workflow
 * applies it through one path (workflows/shared/entity.ts); the rule itself does no I/O.
 */
export interface Decided<S, R> {
  state: S;
  events: DecidedEvent[];
  result: R;
}

/** An accepted request, or why it is refused (changing nothing). */
export type Decision<S, R> = Decided<S, R> | Refusal;

export function decided<S, R>(state: S, result: R, events: DecidedEvent[] = []): Decided<S, R> {
  return { state, events, result };
}
