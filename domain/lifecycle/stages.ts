import type { Stage } from '../../schemas/project';

/** The forward path of a key project (withdrawn is reachable from any open stage). */
export const STAGE_ORDER: readonly Stage[] = ['conceived', 'reserve', 'preliminary', 'started', 'underConstruction', 'completed', 'inProduction'];

/** Stages that end a project's life in keyflow. */
export const CLOSED_STAGES: readonly Stage[] = ['inProduction', 'withdrawn'];

/** Stages in which investment is made and reported monthly. */
export const REPORTING_STAGES: readonly Stage[] = ['started', 'underConstruction', 'completed'];

export const STAGE_NAMES_ZH: Record<Stage, string> = {
  conceived: '谋划',
  reserve: '储备',
  preliminary: '前期',
  started: '新开工',
  underConstruction: '在建',
  completed: '竣工',
  inProduction: '投产',
  withdrawn: '退库',
};

export type TransitionVerdict =
  | { ok: true; direction: 'forward' | 'back' | 'withdraw' }
  | { ok: false; type: 'ProjectClosed' | 'IllegalTransition' | 'ApprovalsIncomplete'; message: string };

/** What may follow `from`: the next stage, any earlier one (with a reason), or withdrawal (with a reason). */
export function allowedNext(from: Stage): Stage[] {
  if (CLOSED_STAGES.includes(from)) return [];
  const i = STAGE_ORDER.indexOf(from);
  return [...(STAGE_ORDER[i + 1] ? [STAGE_ORDER[i + 1]!] : []), ...STAGE_ORDER.slice(0, i).reverse(), 'withdrawn'];
}

function label(s: Stage): string {
  return `${s} (${STAGE_NAMES_ZH[s]})`;
}

/**
 * Whether a project in `from` may move to `to`. Forward moves go one stage at a time; going
 * back or withdrawing needs a stated reason; construction starts only once the approvals that
 * joint review must give before construction are all in, and production only once completion
 * acceptance has approved. `approvalsMissing` lists those still open for the stage asked for.
 */
export function checkTransition(args: {
  from: Stage;
  to: Stage;
  reason?: string;
  approvalsMissing: string[];
}): TransitionVerdict {
  const { from, to, reason, approvalsMissing } = args;
  if (CLOSED_STAGES.includes(from)) {
    return { ok: false, type: 'ProjectClosed', message: `project is closed in stage ${label(from)}; no further stage changes` };
  }
  const allowed = allowedNext(from);
  const allowedText = `allowed from ${label(from)}: ${allowed.map(label).join(', ')}; going back or withdrawing needs a reason`;
  if (to === from) return { ok: false, type: 'IllegalTransition', message: `project is already in stage ${label(from)}; ${allowedText}` };
  const fi = STAGE_ORDER.indexOf(from);
  const ti = STAGE_ORDER.indexOf(to);
  if (to === 'withdrawn') {
    if (!reason) return { ok: false, type: 'IllegalTransition', message: `withdrawing a project needs a reason; ${allowedText}` };
    return { ok: true, direction: 'withdraw' };
  }
  if (ti < fi) {
    if (!reason) return { ok: false, type: 'IllegalTransition', message: `going back from ${label(from)} to ${label(to)} needs a reason; ${allowedText}` };
    return { ok: true, direction: 'back' };
  }
  if (ti > fi + 1) {
    return { ok: false, type: 'IllegalTransition', message: `cannot skip from ${label(from)} to ${label(to)}; ${allowedText}` };
  }
  if (to === 'started' && approvalsMissing.length > 0) {
    return {
      ok: false,
      type: 'ApprovalsIncomplete',
      message: `construction cannot start before joint review approves: ${approvalsMissing.join(', ')} still open`,
    };
  }
  if (to === 'inProduction' && approvalsMissing.length > 0) {
    return {
      ok: false,
      type: 'ApprovalsIncomplete',
      message: `the project cannot go into production before joint completion acceptance (竣工联合验收) approves: ${approvalsMissing.join(', ')} still open`,
    };
  }
  return { ok: true, direction: 'forward' };
}
