/**
 * Preloaded last (workers/preload.ts). The worker deep-freezes what preloaded modules export once
 * they are loaded, and a zod v3 schema writes to itself while it parses: ZodObject caches its
 * keys (_cached), ZodEnum and ZodNativeEnum their values (_cache), and a .regex() check resets
 * its RegExp's lastIndex. Frozen, each of those throws in the first workflow that parses. So,
 * before the freeze, every schema the preloaded modules export is walked: the caches are filled
 * now, and each regex check's RegExp is served fresh on every read (a copy, unfrozen).
 */
import { ZodEnum, ZodNativeEnum, ZodObject, ZodString, ZodType } from 'zod';
import * as audit from '../schemas/audit';
import * as calendar from '../schemas/calendar';
import * as chinese from '../schemas/chinese';
import * as common from '../schemas/common';
import * as errors from '../schemas/errors';
import * as catalog from '../schemas/events/catalog';
import * as envelope from '../schemas/events/envelope';
import * as meetingEvents from '../schemas/events/meeting';
import * as projectEvents from '../schemas/events/project';
import * as rankingEvents from '../schemas/events/ranking';
import * as reviewEvents from '../schemas/events/review';
import * as fourCompare from '../schemas/fourCompare';
import * as inspection from '../schemas/inspection';
import * as jointReview from '../schemas/jointReview';
import * as lifecycle from '../schemas/lifecycle';
import * as lifecycleConfig from '../schemas/lifecycleConfig';
import * as meeting from '../schemas/meeting';
import * as project from '../schemas/project';
import * as rankings from '../schemas/rankings';
import * as readModel from '../schemas/readModel';
import * as reference from '../schemas/reference';
import * as topics from '../schemas/topics';
import * as validation from '../schemas/validation';

type Lazy = { _getCached(): unknown; _cache?: Set<unknown> };

function serveFreshRegex(check: { kind: string; regex?: RegExp }): void {
  const { source, flags } = check.regex!;
  Object.defineProperty(check, 'regex', { get: () => new RegExp(source, flags), enumerable: true, configurable: false });
}

function warm(value: unknown, seen: Set<unknown>): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
  seen.add(value);
  if (value instanceof ZodType) {
    if (value instanceof ZodObject) (value as unknown as Lazy)._getCached();
    if (value instanceof ZodEnum) (value as unknown as Lazy)._cache ??= new Set(value._def.values as unknown[]);
    if (value instanceof ZodNativeEnum) {
      const values = value._def.values as Record<string, unknown>;
      // zod's own rule for a native enum's values: numeric enums map both ways, keep the values.
      const valid = Object.keys(values).filter((k) => typeof values[values[k] as string] !== 'number').map((k) => values[k]);
      (value as unknown as Lazy)._cache ??= new Set(valid);
    }
    if (value instanceof ZodString) for (const c of value._def.checks) if (c.kind === 'regex') serveFreshRegex(c);
    if (value instanceof ZodObject) for (const v of Object.values(value.shape as Record<string, unknown>)) warm(v, seen);
    for (const v of Object.values(value._def as Record<string, unknown>)) warm(v, seen);
    return;
  }
  if (value instanceof Map) for (const v of value.values()) warm(v, seen);
  else if (Array.isArray(value)) for (const v of value) warm(v, seen);
  else if (typeof value === 'object') for (const v of Object.values(value)) warm(v, seen);
}

const modules = [audit, calendar, chinese, common, errors, catalog, envelope, meetingEvents, projectEvents, rankingEvents, reviewEvents, fourCompare, inspection, jointReview, lifecycle, lifecycleConfig, meeting, project, rankings, readModel, reference, topics, validation];
const seen = new Set<unknown>();
for (const m of modules) warm(m, seen);

/** How many values the walk reached (a check that it ran). */
export const warmed = seen.size;
