import { z } from 'zod';
import { Instant } from '../common';

/**
 * Every keyflow event on Kafka is a CloudEvents 1.0 envelope (structured JSON mode).
 * `id` is derived from (source, type, subject, key), so an activity retried after a successful
 * send yields the same id and consumers can de-duplicate on it.
 */
export const CloudEvent = z.object({
  specversion: z.literal('1.0'),
  id: z.string().uuid(),
  /** The workflow kind that produced it, e.g. `/keyflow/projects`. */
  source: z.string().startsWith('/keyflow/', 'must start with /keyflow/'),
  /** Reverse-DNS style type, e.g. `cn.keyflow.project.registered`. */
  type: z.string().regex(/^cn\.keyflow\.[a-z]+(\.[a-zA-Z]+)+$/, 'must look like cn.keyflow.<area>.<event>'),
  /** The project code for project events; the meeting, check or tour id otherwise. */
  subject: z.string().min(1),
  time: Instant,
  datacontenttype: z.literal('application/json'),
  /**
   * The version of the data's schema when it is not the first, `urn:keyflow:dataschema:<type>:v<n>`
   * (schemas/events/catalog.ts DATA_VERSIONS). Absent: version 1, as every event before versions.
   */
  dataschema: z.string().optional(),
  data: z.unknown(),
});
export type CloudEvent = z.infer<typeof CloudEvent>;

/**
 * What a workflow asks an activity to publish. The workflow supplies `time` (its own
 * deterministic clock) and `key` (what makes this event unique within its subject, e.g.
 * `report:2026-03` or `transition:4`).
 */
export const EmitRequest = z.object({
  type: z.string(),
  subject: z.string().min(1),
  key: z.string().min(1),
  time: Instant,
  data: z.unknown(),
  /** The data's schema version when it is a later one (2…); absent: version 1. */
  dataVersion: z.number().int().min(2).optional(),
});
export type EmitRequest = z.infer<typeof EmitRequest>;
