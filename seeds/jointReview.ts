/**
 * Loader of the joint-review configuration (联审联批, seeds/joint-review.json): stages, lead and
 * participating departments, time limits in working days, reminders and follow-ups. The JSON
 * holds defaults to confirm; it is validated once at start (zod rules, then every department id
 * against the reference data) and passed down. A bad entry raises a SeedDataError naming the
 * field and the rule.
 */
import { z } from 'zod';
import { JointReviewConfig, ReviewStageId, StageConfig } from '../schemas/jointReview';
import type { ReferenceData } from '../schemas/reference';
import { loadReferenceData, SeedDataError, type SeedIssue } from './index';
import jointReviewJson from './joint-review.json';

export const JOINT_REVIEW_FILE = 'seeds/joint-review.json';

function fieldOf(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** Validates a joint-review configuration and checks its department ids against the reference data. */
export function parseJointReviewConfig(raw: unknown, ref: ReferenceData, file = JOINT_REVIEW_FILE): JointReviewConfig {
  const parsed = JointReviewConfig.safeParse(raw);
  if (!parsed.success) {
    throw new SeedDataError(
      file,
      parsed.error.issues.map((i: z.ZodIssue) => ({ field: fieldOf(i.path), message: i.message })),
    );
  }
  const config = parsed.data;
  const known = new Set(ref.departments.map((d) => d.id));
  const issues: SeedIssue[] = [];
  const check = (id: string, field: string): void => {
    if (!known.has(id)) issues.push({ field, message: `unknown department "${id}" (not in the reference data)` });
  };
  config.stages.forEach((s, i) => {
    check(s.leadDepartment, `stages[${i}].leadDepartment`);
    s.participants.forEach((p, j) => check(p.department, `stages[${i}].participants[${j}].department`));
  });
  config.policy.supervisors.forEach((d, i) => check(d, `policy.supervisors[${i}]`));
  check(config.policy.singleWindow, 'policy.singleWindow');
  if (issues.length > 0) throw new SeedDataError(file, issues);
  return config;
}

/** The joint-review configuration: `raw` when given (e.g. read from elsewhere), else seeds/joint-review.json. */
export function loadJointReviewConfig(raw: unknown = jointReviewJson, ref: ReferenceData = loadReferenceData()): JointReviewConfig {
  return parseJointReviewConfig(raw, ref);
}

/** One stage of a configuration. */
export function stageConfig(config: JointReviewConfig, stageId: ReviewStageId): StageConfig {
  const stage = config.stages.find((s) => s.id === stageId);
  // The schema guarantees all four stages; this only guards a hand-built config.
  if (!stage) throw new Error(`joint-review configuration has no stage ${stageId}`);
  return stage;
}
