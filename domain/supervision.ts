import type { FieldIssue } from '../schemas/validation';

/**
 * Who a supervision order (督办单) opened by hand may be escalated to: a department of the
 * reference data (seeds/reference.json) or the project's responsible city leader (责任领导).
 * Anyone else would receive nothing — the order would name a party no inbox or reminder reaches.
 */
export function escalationIssues(escalateTo: readonly string[] | undefined, departments: ReadonlySet<string>, responsibleLeader: string): FieldIssue[] {
  if (escalateTo === undefined) return [];
  return escalateTo.flatMap((to, i) =>
    departments.has(to) || to === responsibleLeader
      ? []
      : [{ field: `escalateTo.${i}`, rule: `must be a department id of the reference data or the project's responsible leader (${responsibleLeader}); "${to}" is neither` }],
  );
}
