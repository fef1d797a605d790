import { z } from 'zod';
import { TOPICS, TopicName } from '../topics';
import { CloudEvent } from './envelope';
import { MEETING_EVENTS, REMINDER_EVENTS } from './meeting';
import { PROJECT_EVENTS, SUPERVISION_EVENTS } from './project';
import { REVIEW_EVENTS } from './review';
import { RANKING_EVENTS } from './ranking';

/**
 * The catalogue of event types: each type's data schema and the topic it goes to.
 * An event whose type is not here cannot be published.
 */
const AREAS: Array<{ source: string; topic: TopicName; events: Record<string, z.ZodTypeAny> }> = [
  { source: '/keyflow/projects', topic: TOPICS.projects, events: PROJECT_EVENTS },
  { source: '/keyflow/supervision', topic: TOPICS.supervision, events: SUPERVISION_EVENTS },
  { source: '/keyflow/meetings', topic: TOPICS.meetings, events: MEETING_EVENTS },
  { source: '/keyflow/reminders', topic: TOPICS.reminders, events: REMINDER_EVENTS },
  { source: '/keyflow/reviews', topic: TOPICS.reviews, events: REVIEW_EVENTS },
  { source: '/keyflow/rankings', topic: TOPICS.rankings, events: RANKING_EVENTS },
];

export interface EventTypeInfo {
  type: string;
  source: string;
  topic: TopicName;
  data: z.ZodTypeAny;
}

export const EVENT_TYPES: ReadonlyMap<string, EventTypeInfo> = new Map(
  AREAS.flatMap((a) => Object.entries(a.events).map(([type, data]) => [type, { type, source: a.source, topic: a.topic, data }] as const)),
);

export class UnknownEventType extends Error {
  override name = 'UnknownEventType';
  constructor(readonly type: string) {
    super(`unknown event type ${type}: add it to schemas/events/catalog.ts`);
  }
}

export function eventTypeInfo(type: string): EventTypeInfo {
  const info = EVENT_TYPES.get(type);
  if (!info) throw new UnknownEventType(type);
  return info;
}

/** Validates a raw event: the envelope first, then its data against the type's schema. */
export function parseEvent(raw: unknown): CloudEvent {
  const env = CloudEvent.parse(raw);
  const info = eventTypeInfo(env.type);
  return { ...env, data: info.data.parse(env.data) };
}

/** The catalogue at compile time: every event type and the data it takes. */
type Catalogue = typeof PROJECT_EVENTS &
  typeof SUPERVISION_EVENTS &
  typeof MEETING_EVENTS &
  typeof REMINDER_EVENTS &
  typeof REVIEW_EVENTS &
  typeof RANKING_EVENTS;
/** An event type of the catalogue. */
export type EventType = Extract<keyof Catalogue, string>;
/** The data an event of type `T` takes (before its schema's defaults and transforms). */
export type EventData<T extends EventType> = z.input<Catalogue[T]>;
