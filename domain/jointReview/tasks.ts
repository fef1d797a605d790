/**
 * The review of one stage as a state machine over plain data (ReviewState). Every function is
 * pure: it takes the state, the input and the moment, and returns either a Refusal or the new
 * state with what happened. The workflow's update validator runs the same function as its
 * handler and discards the result, so a refused action changes nothing.
 *
 * Task statuses: open → approved | rejected | returned; returned → open (resubmitted) | rejected;
 * open/returned → cancelled when another department rejects (the stage ends rejected).
 */
import { FailureType } from '../../schemas/errors';
import {
  CLOSED_TASK_STATUSES,
  type ActOnTaskInput,
  type ActionResult,
  type AuditEntry,
  type FollowUp,
  type ResubmitInput,
  type ReviewPolicy,
  type ReviewStageInput,
  type ReviewState,
  type ReviewTask,
  type StageOutcome,
  type SubmitMissingMaterialInput,
} from '../../schemas/jointReview';
import {
  counted,
  deadlineAfter,
  deadlineOn,
  latenessAt,
  pausedWorkingDays,
  reminderFor,
  shiftDeadline,
  workingDaysLeft,
  workingDaysUsed,
  type Deadline,
  type Lateness,
  type ReviewCalendar,
} from './deadlines';
import { calendarGap, refuse, type Refusal } from './refusal';

const iso = (d: Date): string => d.toISOString();
const SYSTEM = 'system';

// ---------------------------------------------------------------------------------------------
// Start

/**
 * The state at acceptance (受理): one open task per participant, each with its deadline and
 * reminder. A deadline in a year without holiday data refuses the whole stage.
 */
export function startReview(cal: ReviewCalendar, input: ReviewStageInput, acceptedAt: Date): ReviewState | Refusal {
  const { stage, policy } = input;
  const tasks: ReviewTask[] = [];
  for (const p of stage.participants) {
    const computed = counted(() => {
      const deadline = deadlineAfter(cal, acceptedAt, p.limitWorkingDays);
      const remindAt = reminderFor(cal, acceptedAt, p.limitWorkingDays, policy.reminderLeadWorkingDays, policy.reminderTimeOfDay, acceptedAt);
      return { deadline, remindAt };
    });
    if (!computed.ok) {
      return calendarGap(computed.year, `the ${p.limitWorkingDays}-working-day deadline of ${p.department} in stage ${stage.id} accepted ${iso(acceptedAt)}`);
    }
    const { deadline, remindAt } = computed.value;
    tasks.push({
      department: p.department,
      matter: p.matter,
      limitWorkingDays: p.limitWorkingDays,
      ...(p.materials && p.materials.length > 0 ? { materials: [...p.materials] } : {}),
      status: 'open',
      assignedAt: iso(acceptedAt),
      deadlineDate: deadline.date,
      deadline: iso(deadline.instant),
      remindAt: remindAt ? iso(remindAt) : null,
      remindedFor: null,
      escalatedFor: null,
      pauses: [],
      audit: [
        {
          at: iso(acceptedAt),
          by: input.acceptedBy,
          department: p.department,
          action: 'assigned',
          reason: `${p.matter}: ${p.limitWorkingDays} working days`,
          deadlineAtThatMoment: iso(deadline.instant),
          lateByWorkingDays: null,
        },
      ],
    });
  }
  return {
    project: input.project,
    stage: input.stage,
    policy: input.policy,
    acceptedAt: iso(acceptedAt),
    acceptedBy: input.acceptedBy,
    status: 'inReview',
    outcome: null,
    tasks,
    materialsChecked: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Materials (申请材料)

/**
 * Missing materials named by a return or a 容缺 approval must come from the task's list of required
 * materials where it has one; all of them are told at once (一次性告知, 行政许可法第三十二条).
 */
function materialsRefusal(task: ReviewTask, input: ActOnTaskInput): Refusal | null {
  if (input.action !== 'returnForSupplement' && input.action !== 'approveWithMissing') return null;
  const named = input.missingMaterials ?? [];
  if (named.length === 0) {
    const rule = 'must name every missing material at once (一次性告知)';
    return refuse(FailureType.ValidationFailed, `missingMaterials: ${rule}`, [{ field: 'missingMaterials', rule }]);
  }
  const listed = task.materials ?? [];
  const unknown = listed.length === 0 ? [] : named.filter((m) => !listed.includes(m));
  if (unknown.length > 0) {
    const rule = `must be materials of ${task.department}'s list (${listed.join('、')}); not on it: ${unknown.join('、')}`;
    return refuse(FailureType.ValidationFailed, `missingMaterials: ${rule}`, [{ field: 'missingMaterials', rule }]);
  }
  return null;
}

/** The materials a 容缺 follow-up still waits for. */
export function stillMissing(followUp: FollowUp): string[] {
  const inAlready = new Set((followUp.handedIn ?? []).map((h) => h.material));
  return followUp.missingMaterials.filter((m) => !inAlready.has(m));
}

// ---------------------------------------------------------------------------------------------
// Helpers

function taskOf(state: ReviewState, department: string): ReviewTask | Refusal {
  const task = state.tasks.find((t) => t.department === department);
  if (task) return task;
  return refuse(
    FailureType.TaskNotFound,
    `stage ${state.stage.id} of project ${state.project.code} has no task for department ${department} (tasks: ${state.tasks.map((t) => t.department).join(', ')})`,
  );
}

/** The task's status in words, for refusals: "approved at … by …". */
export function describeStatus(task: ReviewTask): string {
  switch (task.status) {
    case 'open':
      return `open, due ${task.deadlineDate}`;
    case 'returned': {
      const pause = task.pauses[task.pauses.length - 1];
      return `returned for supplement at ${pause?.pausedAt ?? '?'}, waiting for the applicant's resubmission`;
    }
    case 'approved':
    case 'rejected':
      return `${task.status} at ${task.decision?.at ?? '?'} by ${task.decision?.by ?? '?'}`;
    case 'cancelled': {
      const last = task.audit[task.audit.length - 1];
      return `cancelled at ${last?.at ?? '?'}${last?.reason ? ` (${last.reason})` : ''}`;
    }
  }
}

function isClosed(task: ReviewTask): boolean {
  return CLOSED_TASK_STATUSES.includes(task.status);
}

function closedPauseDays(task: ReviewTask): number {
  return task.pauses.reduce((sum, p) => sum + (p.pausedWorkingDays ?? 0), 0);
}

function replaceTask(state: ReviewState, task: ReviewTask): ReviewState {
  return { ...state, tasks: state.tasks.map((t) => (t.department === task.department ? task : t)) };
}

function withAudit(task: ReviewTask, entry: AuditEntry): ReviewTask {
  return { ...task, audit: [...task.audit, entry] };
}

/** The applicant acts without a department, or the single window acts for it. */
function applicantRefusal(task: ReviewTask, actorDepartment: string | undefined, policy: ReviewPolicy, what: string): Refusal | null {
  if (actorDepartment === undefined || actorDepartment === policy.singleWindow) return null;
  return refuse(
    FailureType.NotTaskOwner,
    `${actorDepartment} cannot ${what} for the task of ${task.department}: only the applicant or the single window (${policy.singleWindow}) can`,
  );
}

function resultOf(
  state: ReviewState,
  task: ReviewTask,
  requestId: string,
  action: ActionResult['action'],
  now: Date,
  lateness: Lateness,
  followUp?: FollowUp,
): ActionResult {
  return {
    requestId,
    department: task.department,
    action,
    at: iso(now),
    taskStatus: task.status,
    deadline: task.deadline,
    deadlineDate: task.deadlineDate,
    late: lateness.late,
    lateByWorkingDays: lateness.lateByWorkingDays,
    ...(followUp ? { followUp } : {}),
    stageStatus: state.status,
  };
}

// ---------------------------------------------------------------------------------------------
// A department acts on its task

export interface Acted {
  state: ReviewState;
  task: ReviewTask;
  result: ActionResult;
  /** For decisions: working days from acceptance to now, which settleStage needs. */
  stageWorkingDays?: number;
}

export function actOnTask(cal: ReviewCalendar, state: ReviewState, input: ActOnTaskInput, now: Date): Acted | Refusal {
  const found = taskOf(state, input.department);
  if ('refused' in found) return found;
  const task = found;
  const actingFor = input.actor.department;
  if (actingFor !== task.department) {
    return refuse(
      FailureType.NotTaskOwner,
      `${actingFor ?? 'an actor without a department'} cannot act on the task of ${task.department}: only ${task.department} can (the task is ${describeStatus(task)})`,
    );
  }
  if (isClosed(task)) {
    return refuse(FailureType.TaskClosed, `the task of ${task.department} is ${describeStatus(task)}: a closed task cannot be acted on`, { status: task.status });
  }
  if (task.status === 'returned' && input.action !== 'reject') {
    return refuse(
      FailureType.IllegalTransition,
      `the task of ${task.department} is ${describeStatus(task)}: it cannot be ${input.action === 'returnForSupplement' ? 'returned again' : 'approved'} before the resubmission (it may be rejected)`,
      { status: task.status },
    );
  }
  if (state.materialsChecked) {
    const badMaterials = materialsRefusal(task, input);
    if (badMaterials) return badMaterials;
  }
  const policy = state.policy;
  const followUpDays = input.followUpWorkingDays ?? policy.followUpDefaultWorkingDays;
  if (input.action === 'approveWithMissing' && followUpDays > policy.followUpMaxWorkingDays) {
    return refuse(FailureType.ValidationFailed, `followUpWorkingDays: must not exceed ${policy.followUpMaxWorkingDays} working days`, [
      { field: 'followUpWorkingDays', rule: `must not exceed ${policy.followUpMaxWorkingDays} working days` },
    ]);
  }

  const deadline = deadlineOn(task.deadlineDate);
  const openPause = task.status === 'returned' ? task.pauses[task.pauses.length - 1] : undefined;
  // While returned the clock stands still: lateness and use are those of the moment of the return.
  const clockAt = openPause ? new Date(openPause.pausedAt) : now;
  const counts = counted(() => {
    const lateness = latenessAt(cal, deadline, clockAt);
    const used = workingDaysUsed(cal, new Date(state.acceptedAt), clockAt, closedPauseDays(task));
    // Asked now so that deciding the stage at this moment can never meet a gap.
    const stageDays = cal.workingDaysBetween(state.acceptedAt, iso(now));
    const leftAtPause = input.action === 'returnForSupplement' ? workingDaysLeft(cal, now, task.deadlineDate) : 0;
    let followUp: { due: Deadline; remindAt: Date | null } | undefined;
    if (input.action === 'approveWithMissing') {
      const due = deadlineAfter(cal, now, followUpDays);
      followUp = { due, remindAt: reminderFor(cal, now, followUpDays, policy.reminderLeadWorkingDays, policy.reminderTimeOfDay, now) };
    }
    return { lateness, used, stageDays, leftAtPause, followUp };
  });
  if (!counts.ok) return calendarGap(counts.year, `the working days of ${task.department}'s ${input.action} at ${iso(now)}`);
  const { lateness, used, stageDays, leftAtPause, followUp: fu } = counts.value;

  const entry: AuditEntry = {
    at: iso(now),
    by: input.actor.by,
    department: actingFor,
    action: input.action,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    requestId: input.requestId,
    deadlineAtThatMoment: task.deadline,
    lateByWorkingDays: lateness.lateByWorkingDays,
  };

  let next: ReviewTask;
  let followUp: FollowUp | undefined;
  if (input.action === 'returnForSupplement') {
    next = withAudit(
      { ...task, status: 'returned', pauses: [...task.pauses, { pausedAt: iso(now), deadlineBefore: task.deadlineDate, workingDaysLeftAtPause: leftAtPause, missingMaterials: input.missingMaterials ?? [] }] },
      entry,
    );
  } else {
    if (fu) {
      followUp = {
        missingMaterials: input.missingMaterials ?? [],
        createdAt: iso(now),
        workingDays: followUpDays,
        dueDate: fu.due.date,
        due: iso(fu.due.instant),
        remindAt: fu.remindAt ? iso(fu.remindAt) : null,
        status: 'open',
        reminded: false,
        escalated: false,
      };
    }
    next = withAudit(
      {
        ...task,
        status: input.action === 'reject' ? 'rejected' : 'approved',
        decision: {
          action: input.action,
          by: input.actor.by,
          ...(input.reason !== undefined ? { reason: input.reason } : {}),
          at: iso(now),
          late: lateness.late,
          lateByWorkingDays: lateness.lateByWorkingDays,
          workingDaysUsed: used,
        },
        ...(followUp ? { followUp } : {}),
      },
      entry,
    );
  }
  const nextState = replaceTask(state, next);
  return { state: nextState, task: next, stageWorkingDays: stageDays, result: resultOf(nextState, next, input.requestId, input.action, now, lateness, followUp) };
}

// ---------------------------------------------------------------------------------------------
// The applicant resubmits a returned task (补正后重新提交)

export function resubmit(cal: ReviewCalendar, state: ReviewState, input: ResubmitInput, now: Date): Acted | Refusal {
  const found = taskOf(state, input.department);
  if ('refused' in found) return found;
  const task = found;
  const notApplicant = applicantRefusal(task, input.actor.department, state.policy, 'resubmit');
  if (notApplicant) return notApplicant;
  if (isClosed(task)) {
    return refuse(FailureType.TaskClosed, `the task of ${task.department} is ${describeStatus(task)}: nothing can be resubmitted to it`, { status: task.status });
  }
  const pause = task.pauses[task.pauses.length - 1];
  if (task.status !== 'returned' || !pause) {
    return refuse(FailureType.IllegalTransition, `the task of ${task.department} is ${describeStatus(task)}, not returned for supplement: there is nothing to resubmit`, {
      status: task.status,
    });
  }
  const policy = state.policy;
  const counts = counted(() => {
    const paused = pausedWorkingDays(cal, new Date(pause.pausedAt), now);
    const deadline = deadlineOn(shiftDeadline(cal, task.deadlineDate, paused));
    const total = task.limitWorkingDays + closedPauseDays(task) + paused;
    return {
      paused,
      deadline,
      remindAt: reminderFor(cal, new Date(state.acceptedAt), total, policy.reminderLeadWorkingDays, policy.reminderTimeOfDay, now),
      lateness: latenessAt(cal, deadline, now),
    };
  });
  if (!counts.ok) return calendarGap(counts.year, `the pause of ${task.department}'s task resubmitted at ${iso(now)}`);
  const { paused, deadline, remindAt, lateness } = counts.value;
  const next = withAudit(
    {
      ...task,
      status: 'open',
      deadlineDate: deadline.date,
      deadline: iso(deadline.instant),
      remindAt: remindAt ? iso(remindAt) : null,
      pauses: [...task.pauses.slice(0, -1), { ...pause, resumedAt: iso(now), pausedWorkingDays: paused, deadlineAfter: deadline.date }],
    },
    {
      at: iso(now),
      by: input.actor.by,
      ...(input.actor.department ? { department: input.actor.department } : {}),
      action: 'resubmit',
      reason: `clock stopped ${paused} working day(s)${input.note ? `; ${input.note}` : ''}`,
      requestId: input.requestId,
      deadlineAtThatMoment: task.deadline,
      deadlineAfter: iso(deadline.instant),
      lateByWorkingDays: lateness.lateByWorkingDays,
    },
  );
  const nextState = replaceTask(state, next);
  return { state: nextState, task: next, result: resultOf(nextState, next, input.requestId, 'resubmit', now, lateness) };
}

// ---------------------------------------------------------------------------------------------
// The applicant hands in the missing materials of a 容缺 approval

export function submitMissingMaterial(cal: ReviewCalendar, state: ReviewState, input: SubmitMissingMaterialInput, now: Date): Acted | Refusal {
  const found = taskOf(state, input.department);
  if ('refused' in found) return found;
  const task = found;
  const notApplicant = applicantRefusal(task, input.actor.department, state.policy, 'hand in missing materials');
  if (notApplicant) return notApplicant;
  const fu = task.followUp;
  if (!fu) {
    return refuse(FailureType.TaskNotFound, `the task of ${task.department} (${describeStatus(task)}) was not approved with missing materials: no follow-up waits for materials`);
  }
  if (fu.status !== 'open') {
    const how = fu.status === 'submitted' ? `submitted at ${fu.submittedAt ?? '?'} by ${fu.submittedBy ?? '?'}` : 'cancelled (the stage was rejected)';
    return refuse(FailureType.TaskClosed, `the follow-up of ${task.department} is already ${how}`, { status: fu.status });
  }
  // Material by material: the follow-up stays open until every missing material is in.
  const missing = stillMissing(fu);
  const handing = state.materialsChecked ? (input.materials ?? missing) : fu.missingMaterials;
  if (state.materialsChecked) {
    const notAwaited = handing.filter((m) => !missing.includes(m));
    if (notAwaited.length > 0) {
      const rule = `must name materials still missing (${missing.join('、')}); not awaited: ${notAwaited.join('、')}`;
      return refuse(FailureType.ValidationFailed, `materials: ${rule}`, [{ field: 'materials', rule }]);
    }
  }
  const counts = counted(() => latenessAt(cal, deadlineOn(fu.dueDate), now));
  if (!counts.ok) return calendarGap(counts.year, `the lateness of ${task.department}'s follow-up at ${iso(now)}`);
  const lateness = counts.value;
  const handedIn = state.materialsChecked ? [...(fu.handedIn ?? []), ...[...new Set(handing)].map((material) => ({ material, at: iso(now), by: input.actor.by }))] : fu.handedIn;
  const remaining = missing.filter((m) => !handing.includes(m));
  const complete = !state.materialsChecked || remaining.length === 0;
  const followUp: FollowUp = complete
    ? {
        ...fu,
        ...(handedIn ? { handedIn } : {}),
        status: 'submitted',
        submittedAt: iso(now),
        submittedBy: input.actor.by,
        late: lateness.late,
        lateByWorkingDays: lateness.lateByWorkingDays,
      }
    : { ...fu, handedIn: handedIn ?? [] };
  const handedNote = state.materialsChecked ? `已补交：${handing.join('、')}${remaining.length > 0 ? `；仍缺：${remaining.join('、')}` : '；材料已补齐'}` : undefined;
  const next = withAudit(
    { ...task, followUp },
    {
      at: iso(now),
      by: input.actor.by,
      ...(input.actor.department ? { department: input.actor.department } : {}),
      action: 'submitMissingMaterial',
      ...(input.note || handedNote ? { reason: [handedNote, input.note].filter(Boolean).join('；') } : {}),
      requestId: input.requestId,
      deadlineAtThatMoment: fu.due,
      lateByWorkingDays: lateness.lateByWorkingDays,
    },
  );
  const nextState = replaceTask(state, next);
  return { state: nextState, task: next, result: resultOf(nextState, next, input.requestId, 'submitMissingMaterial', now, lateness, followUp) };
}

// ---------------------------------------------------------------------------------------------
// The stage

export interface Settled {
  state: ReviewState;
  outcome: StageOutcome;
  /** Tasks and follow-ups closed because the stage was rejected. */
  cancelled: { department: string; kind: 'task' | 'followUp' }[];
}

/**
 * Decides the stage when it can be decided: approved when every task is approved, rejected as
 * soon as one is rejected (the other tasks and open follow-ups are cancelled). Null while
 * undecided or already decided.
 */
export function settleStage(state: ReviewState, now: Date, stageWorkingDays: number): Settled | null {
  if (state.status !== 'inReview') return null;
  const rejected = state.tasks.filter((t) => t.status === 'rejected');
  const allApproved = state.tasks.every((t) => t.status === 'approved');
  if (rejected.length === 0 && !allApproved) return null;
  const outcomeKind = rejected.length > 0 ? 'rejected' : 'approved';
  const cancelled: Settled['cancelled'] = [];
  let tasks = state.tasks;
  if (outcomeKind === 'rejected') {
    const why = `stage rejected by ${rejected.map((t) => t.department).join(', ')}`;
    tasks = tasks.map((t) => {
      let next = t;
      if (t.status === 'open' || t.status === 'returned') {
        cancelled.push({ department: t.department, kind: 'task' });
        next = withAudit({ ...next, status: 'cancelled' }, {
          at: iso(now),
          by: SYSTEM,
          department: t.department,
          action: 'cancelled',
          reason: why,
          deadlineAtThatMoment: t.deadline,
          lateByWorkingDays: null,
        });
      }
      if (next.followUp?.status === 'open') {
        cancelled.push({ department: t.department, kind: 'followUp' });
        next = withAudit({ ...next, followUp: { ...next.followUp, status: 'cancelled' } }, {
          at: iso(now),
          by: SYSTEM,
          department: t.department,
          action: 'cancelled',
          reason: `follow-up cancelled: ${why}`,
          deadlineAtThatMoment: next.followUp.due,
          lateByWorkingDays: null,
        });
      }
      return next;
    });
  }
  const outcome: StageOutcome = {
    projectCode: state.project.code,
    stageId: state.stage.id,
    outcome: outcomeKind,
    acceptedAt: state.acceptedAt,
    decidedAt: iso(now),
    workingDaysTaken: Math.max(0, stageWorkingDays),
    stageLimitWorkingDays: state.stage.limitWorkingDays,
    rejections: rejected.map((t) => ({ department: t.department, by: t.decision?.by ?? '?', reason: t.decision?.reason ?? '', at: t.decision?.at ?? iso(now) })),
    openFollowUps: tasks.filter((t) => t.followUp?.status === 'open').map((t) => ({ department: t.department, dueDate: t.followUp!.dueDate })),
  };
  return { state: { ...state, tasks, status: outcomeKind, outcome }, outcome, cancelled };
}

/**
 * The project was withdrawn (退库): every open or returned task and every open 容缺 follow-up is
 * cancelled with the reason, and a stage still in review is marked withdrawn. Null when nothing of
 * the stage is open any more.
 */
export function withdrawReview(state: ReviewState, withdrawal: { reason: string; by: string }, now: Date): Omit<Settled, 'outcome'> | null {
  const cancelled: Settled['cancelled'] = [];
  const why = `项目已退库 project withdrawn: ${withdrawal.reason}`;
  const tasks = state.tasks.map((t) => {
    let next = t;
    if (t.status === 'open' || t.status === 'returned') {
      cancelled.push({ department: t.department, kind: 'task' });
      next = withAudit({ ...next, status: 'cancelled' }, { at: iso(now), by: withdrawal.by, department: t.department, action: 'cancelled', reason: why, deadlineAtThatMoment: t.deadline, lateByWorkingDays: null });
    }
    if (next.followUp?.status === 'open') {
      cancelled.push({ department: t.department, kind: 'followUp' });
      next = withAudit(
        { ...next, followUp: { ...next.followUp, status: 'cancelled' } },
        { at: iso(now), by: withdrawal.by, department: t.department, action: 'cancelled', reason: `follow-up cancelled: ${why}`, deadlineAtThatMoment: next.followUp.due, lateByWorkingDays: null },
      );
    }
    return next;
  });
  if (cancelled.length === 0) return null;
  return { state: { ...state, tasks, status: state.status === 'inReview' ? 'withdrawn' : state.status }, cancelled };
}

/** Whether the workflow's work is done: the stage decided and no follow-up left open. */
export function isFinished(state: ReviewState): boolean {
  return state.status !== 'inReview' && state.tasks.every((t) => t.followUp?.status !== 'open');
}
