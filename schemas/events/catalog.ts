import { z } from 'zod';
import { TOPICS, TopicName } from '../topics';
import { CloudEvent } from './envelope';
import { MEETING_DATA_VERSIONS, MEETING_EVENTS, REMINDER_EVENTS } from './meeting';
import { PROJECT_EVENTS, SUPERVISION_EVENTS } from './project';
import { REVIEW_DATA_VERSIONS, REVIEW_EVENTS } from './review';
import { RANKING_DATA_VERSIONS, RANKING_EVENTS } from './ranking';

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

/**
 * Later versions of event types' data: a field added is a new version, its events name it in
 * `dataschema`, and events of every earlier version stay readable (version 1 is the entry of the
 * area above and carries no `dataschema`). A version once published is never edited.
 */
export const DATA_VERSIONS = { ...MEETING_DATA_VERSIONS, ...REVIEW_DATA_VERSIONS, ...RANKING_DATA_VERSIONS } as const;

export interface EventTypeInfo {
  type: string;
  source: string;
  topic: TopicName;
  /** The data schema of version 1. */
  data: z.ZodTypeAny;
  /** Every version's data schema, 1 included. */
  versions: ReadonlyMap<number, z.ZodTypeAny>;
}

const laterVersions = (type: string): Array<[number, z.ZodTypeAny]> =>
  Object.entries((DATA_VERSIONS as Record<string, Record<number, z.ZodTypeAny>>)[type] ?? {}).map(([v, schema]) => [Number(v), schema]);

export const EVENT_TYPES: ReadonlyMap<string, EventTypeInfo> = new Map(
  AREAS.flatMap((a) =>
    Object.entries(a.events).map(([type, data]) => [type, { type, source: a.source, topic: a.topic, data, versions: new Map([[1, data], ...laterVersions(type)]) }] as const),
  ),
);

/** The `dataschema` of version `version` (≥ 2) of `type`'s data. */
export function dataschemaOf(type: string, version: number): string {
  return `urn:keyflow:dataschema:${type}:v${version}`;
}

/** An event's data version: 1 without `dataschema`; a dataschema this catalogue does not know is refused. */
export function dataVersionOf(event: Pick<CloudEvent, 'type' | 'dataschema'>): number {
  if (event.dataschema === undefined) return 1;
  const m = /^urn:keyflow:dataschema:(.+):v(\d+)$/.exec(event.dataschema);
  const version = m && m[1] === event.type ? Number(m[2]) : NaN;
  if (!eventTypeInfo(event.type).versions.has(version)) throw new UnknownDataVersion(event.type, event.dataschema);
  return version;
}

export class UnknownEventType extends Error {
  override name = 'UnknownEventType';
  constructor(readonly type: string) {
    super(`unknown event type ${type}: add it to schemas/events/catalog.ts`);
  }
}

export class UnknownDataVersion extends Error {
  override name = 'UnknownDataVersion';
  constructor(readonly type: string, readonly dataschema: string) {
    super(`unknown dataschema ${dataschema} for ${type}: add the version to schemas/events/catalog.ts DATA_VERSIONS`);
  }
}

export function eventTypeInfo(type: string): EventTypeInfo {
  const info = EVENT_TYPES.get(type);
  if (!info) throw new UnknownEventType(type);
  return info;
}

/** Validates a raw event: the envelope first, then its data against the schema of its type and version. */
export function parseEvent(raw: unknown): CloudEvent {
  const env = CloudEvent.parse(raw);
  const schema = eventTypeInfo(env.type).versions.get(dataVersionOf(env))!;
  return { ...env, data: schema.parse(env.data) };
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
type Later = typeof DATA_VERSIONS;
/** An event type with data versions after the first. */
export type VersionedEventType = Extract<keyof Later, string>;
/** The later data versions of `T`. */
export type DataVersion<T extends VersionedEventType> = Extract<keyof Later[T], number>;
/** The data version `V` of `T` takes. */
export type VersionedEventData<T extends VersionedEventType, V extends DataVersion<T>> = Later[T][V] extends z.ZodTypeAny ? z.input<Later[T][V]> : never;
/** What an event of type `T` may hold once read, whichever its version. */
export type AnyVersionData<T extends EventType> = z.infer<Catalogue[T]> | (T extends VersionedEventType ? (Later[T][DataVersion<T>] extends z.ZodTypeAny ? z.infer<Later[T][DataVersion<T>]> : never) : never);
