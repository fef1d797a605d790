/**
 * Values people type in Chinese, turned into the ids the schemas take, before validation: a
 * county by name (临颍县, 临颍), a department by name or common short name (自然资源局), a stage
 * (新开工), a category (续建), a warning colour (黄, 黄灯), an industry (饮料), a review stage
 * (施工许可). Only a value that names exactly one entry is replaced; anything else is left for
 * the schema to refuse with its rule, so nothing is guessed.
 */
import { loadJointReviewConfig } from '../seeds/jointReview';
import { loadReferenceData } from '../seeds';
import * as values from './import/values';
import type { ReferenceData } from '../schemas/reference';

type Where = 'path' | 'query' | 'body';
type Convert = (value: string) => string | undefined;

/** 红黄绿灯: 红, 红灯, 红色 → red. */
const WARNINGS: Readonly<Record<string, string>> = { 红: 'red', 黄: 'yellow', 绿: 'green' };
const warning: Convert = (v) => WARNINGS[v.replace(/\s+/g, '').replace(/(灯|色|灯预警)$/, '')];

const fromConverted =
  <T extends string>(convert: (cell: string) => values.Converted<T>): Convert =>
  (v) => {
    const r = convert(v);
    return r.ok ? r.value : undefined;
  };

function converters(ref: ReferenceData): { common: Record<string, Convert>; reviewStage: Convert } {
  const department = fromConverted((c) => values.department(ref, c));
  const reviewStages = new Map(loadJointReviewConfig().stages.map((s) => [s.name, s.id] as const));
  return {
    common: {
      county: fromConverted((c) => values.county(ref, c)),
      department,
      dept: department,
      leadDepartment: department,
      ownerDepartment: department,
      departments: department,
      industry: fromConverted((c) => values.industry(ref, c)),
      category: fromConverted(values.category),
      warning,
      to: fromConverted(values.stage),
    },
    reviewStage: (v) => reviewStages.get(v.replace(/\s+/g, '').replace(/阶段$/, '')),
  };
}

let cached: ReturnType<typeof converters> | undefined;

/** A Chinese value's id, or the value itself; only strings with a CJK character are looked at. */
function convert(key: string, value: unknown, where: Where): unknown {
  if (typeof value !== 'string' || !/[\u3400-\u9fff]/.test(value)) return value;
  cached ??= converters(loadReferenceData());
  // In a path, `stage` is a joint-review stage (/reviews/:stage); in a query or a body, a project's stage.
  const fn = key === 'stage' ? (where === 'path' ? cached.reviewStage : fromConverted(values.stage)) : cached.common[key];
  return fn?.(value.trim()) ?? value;
}

/** One typed value by its field's name (`warning`, `county`, `to` …): its id, or the value as it was. */
export function aliasFor(key: string, value: string, where: Where = 'body'): string {
  return convert(key, value, where) as string;
}

/** `raw` with the Chinese values of known fields replaced by their ids, at any depth; `raw` is not changed. */
export function withAliases(raw: unknown, where: Where): unknown {
  const walk = (v: unknown, key: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x, k)]));
    }
    return convert(key, v, where);
  };
  return walk(raw, '');
}
