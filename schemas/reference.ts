import { z } from 'zod';
import { Slug } from './common';

/**
 * Counties and districts (县区) and the functional zones ranked beside them.
 * A functional zone has no administrative division code of its own (to confirm, see README).
 */
export const County = z.object({
  id: z.string().regex(/^(\d{6}|[a-z][a-z0-9-]+)$/, 'must be a 6-digit division code or a lower-case slug'),
  name: z.string().min(2),
  nameEn: z.string().min(2),
  kind: z.enum(['district', 'county', 'functional-zone']),
  divisionCode: z.string().regex(/^\d{6}$/).optional(),
});
export type County = z.infer<typeof County>;

/** A department of the city government that takes part in approvals (职能部门). */
export const Department = z.object({
  id: Slug,
  name: z.string().min(2),
  nameEn: z.string().min(2),
  /** Other names people type for it (自然资源局 for 自然资源和规划局): accepted wherever a department is typed. */
  aliases: z.array(z.string().min(2)).optional(),
});
export type Department = z.infer<typeof Department>;

/** An industry of the city's 1+8+N system: `1` the food chain, `8` the eight pillars, `N` emerging fields. */
export const Industry = z.object({
  id: Slug,
  name: z.string().min(2),
  nameEn: z.string().min(2),
  tier: z.enum(['1', '8', 'N']),
});
export type Industry = z.infer<typeof Industry>;

export const ReferenceData = z.object({
  city: z.object({ name: z.string(), nameEn: z.string(), divisionCode: z.string().regex(/^\d{6}$/) }),
  counties: z.array(County).min(1),
  departments: z.array(Department).min(1),
  industries: z.array(Industry).min(1),
});
export type ReferenceData = z.infer<typeof ReferenceData>;
