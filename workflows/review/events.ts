/**
 * The review's Kafka events (schemas/events/review.ts), built from its state. Keys start with
 * the stage id so they are unique among all four stages of a project (the subject).
 */
import type { VersionedEventData } from '../../schemas/events/catalog';
import type { ReviewEventData, ReviewEventType } from '../../schemas/events/review';
import type { ActionResult, ReviewState, ReviewTask, StageOutcome } from '../../schemas/jointReview';
import type { Alarm } from '../../domain/jointReview/schedule';
import type { CalendarChange, Recounted } from '../../domain/jointReview/recount';
import type { ProvisionalMark } from '../../schemas/calendar';
import type { Reminder } from '../../schemas/meeting';

/** `{ provisional }` when there is a mark, else nothing: old events keep their exact shape. */
const mark = (p: ProvisionalMark | undefined) => (p ? { provisional: p } : {});

export interface ReviewEvent<T extends ReviewEventType = ReviewEventType> {
  type: T;
  key: string;
  data: ReviewEventData<T>;
}

const ev = <T extends ReviewEventType>(type: T, key: string, data: ReviewEventData<T>): ReviewEvent<T> => ({ type, key, data });

function ref(state: ReviewState, department: string) {
  return {
    projectCode: state.project.code,
    projectName: state.project.name,
    stageId: state.stage.id,
    department,
    leadDepartment: state.stage.leadDepartment,
  };
}

const key = (state: ReviewState, ...parts: (string | number)[]): string => [state.stage.id, ...parts].join(':');

/** Lead department first, then the supervisors, without repeats. */
export function escalationTargets(state: ReviewState): string[] {
  return [...new Set([state.stage.leadDepartment, ...state.policy.supervisors])];
}

export function assigned(state: ReviewState, t: ReviewTask): ReviewEvent {
  return ev('cn.keyflow.review.taskAssigned', key(state, 'task', t.department, 'assigned'), {
    ...ref(state, t.department),
    matter: t.matter,
    limitWorkingDays: t.limitWorkingDays,
    acceptedAt: state.acceptedAt,
    deadline: t.deadline,
    deadlineDate: t.deadlineDate,
    ...mark(t.provisional),
  });
}

/**
 * `taskAssigned` v2: with the materials the department needs (申请材料清单), so the read model's
 * inboxes list them as the task has them, not as today's configuration does.
 */
export function assignedWithMaterials(state: ReviewState, t: ReviewTask): { type: 'cn.keyflow.review.taskAssigned'; key: string; data: VersionedEventData<'cn.keyflow.review.taskAssigned', 2> } {
  const v1 = assigned(state, t);
  return { type: 'cn.keyflow.review.taskAssigned', key: v1.key, data: { ...(v1.data as ReviewEventData<'cn.keyflow.review.taskAssigned'>), materials: [...(t.materials ?? [])] } };
}

/** The event a due alarm announces; `workingDaysLeft` only for reminders. */
export function alarmEvent(state: ReviewState, alarm: Alarm, workingDaysLeft: number): ReviewEvent {
  const r = ref(state, alarm.department);
  const task = state.tasks.find((t) => t.department === alarm.department);
  const missing = task?.followUp?.missingMaterials ?? [];
  switch (alarm.kind) {
    case 'taskReminder':
      return ev('cn.keyflow.review.taskReminder', key(state, 'task', alarm.department, 'reminder', alarm.deadlineDate), {
        ...r,
        deadline: alarm.deadline,
        deadlineDate: alarm.deadlineDate,
        workingDaysLeft,
        ...mark(task?.provisional),
      });
    case 'taskOverdue':
      return ev('cn.keyflow.review.taskOverdue', key(state, 'task', alarm.department, 'overdue', alarm.deadlineDate), {
        ...r,
        deadline: alarm.deadline,
        deadlineDate: alarm.deadlineDate,
        escalatedTo: escalationTargets(state),
      });
    case 'followUpReminder':
      return ev('cn.keyflow.review.followUpDue', key(state, 'followUp', alarm.department, 'due'), {
        ...r,
        missingMaterials: missing,
        due: alarm.deadline,
        dueDate: alarm.deadlineDate,
        workingDaysLeft,
        ...mark(task?.followUp?.provisional),
      });
    case 'followUpOverdue':
      return ev('cn.keyflow.review.followUpOverdue', key(state, 'followUp', alarm.department, 'overdue'), {
        ...r,
        missingMaterials: missing,
        due: alarm.deadline,
        dueDate: alarm.deadlineDate,
        escalatedTo: escalationTargets(state),
      });
  }
}

/** The event of a department's action or of the applicant's. */
export function actionEvent(state: ReviewState, task: ReviewTask, result: ActionResult): ReviewEvent {
  const r = ref(state, task.department);
  const last = task.audit[task.audit.length - 1]!;
  switch (result.action) {
    case 'approve':
    case 'approveWithMissing':
    case 'reject': {
      const d = task.decision!;
      const fu = result.action === 'approveWithMissing' ? task.followUp : undefined;
      return ev('cn.keyflow.review.taskDecided', key(state, 'task', task.department, 'decided'), {
        ...r,
        decision: d.action,
        by: d.by,
        ...(d.reason !== undefined ? { reason: d.reason } : {}),
        decidedAt: d.at,
        deadline: task.deadline,
        late: d.late,
        lateByWorkingDays: d.lateByWorkingDays,
        workingDaysUsed: d.workingDaysUsed,
        limitWorkingDays: task.limitWorkingDays,
        ...(fu ? { followUp: { missingMaterials: fu.missingMaterials, dueDate: fu.dueDate, due: fu.due, ...mark(fu.provisional) } } : {}),
      });
    }
    case 'returnForSupplement': {
      const pause = task.pauses[task.pauses.length - 1]!;
      return ev('cn.keyflow.review.taskReturned', key(state, 'task', task.department, 'returned', task.pauses.length), {
        ...r,
        by: last.by,
        reason: last.reason ?? '',
        missingMaterials: pause.missingMaterials,
        pausedAt: pause.pausedAt,
        deadlineAtPause: task.deadline,
        workingDaysLeftAtPause: pause.workingDaysLeftAtPause,
      });
    }
    case 'resubmit': {
      const pause = task.pauses[task.pauses.length - 1]!;
      return ev('cn.keyflow.review.taskResubmitted', key(state, 'task', task.department, 'resubmitted', task.pauses.length), {
        ...r,
        by: last.by,
        resumedAt: pause.resumedAt!,
        pausedWorkingDays: pause.pausedWorkingDays ?? 0,
        previousDeadline: last.deadlineAtThatMoment,
        deadline: task.deadline,
        deadlineDate: task.deadlineDate,
        ...mark(task.provisional),
      });
    }
    case 'submitMissingMaterial': {
      const fu = task.followUp!;
      if (fu.status === 'open') {
        const handed = fu.handedIn ?? [];
        const now = handed.filter((h) => h.at === last.at).map((h) => h.material);
        return ev('cn.keyflow.review.materialsHandedIn', key(state, 'followUp', task.department, 'handedIn', handed.length), {
          ...r,
          by: last.by,
          at: last.at,
          handedIn: now,
          stillMissing: fu.missingMaterials.filter((m) => !handed.some((h) => h.material === m)),
          due: fu.due,
        });
      }
      return ev('cn.keyflow.review.followUpClosed', key(state, 'followUp', task.department, 'closed'), {
        ...r,
        status: 'submitted',
        by: fu.submittedBy ?? last.by,
        at: fu.submittedAt ?? last.at,
        due: fu.due,
        late: fu.late ?? false,
        lateByWorkingDays: fu.lateByWorkingDays ?? 0,
      });
    }
  }
}

/** A follow-up closed because the stage was rejected. */
export function followUpCancelled(state: ReviewState, task: ReviewTask, at: string): ReviewEvent {
  return ev('cn.keyflow.review.followUpClosed', key(state, 'followUp', task.department, 'closed'), {
    ...ref(state, task.department),
    status: 'cancelled',
    by: 'system',
    at,
    due: task.followUp!.due,
    late: false,
    lateByWorkingDays: 0,
  });
}

export function stageCompleted(state: ReviewState, outcome: StageOutcome, cancelledTasks: string[]): ReviewEvent {
  return ev('cn.keyflow.review.stageCompleted', key(state, 'completed'), {
    ...outcome,
    projectName: state.project.name,
    leadDepartment: state.stage.leadDepartment,
    cancelledTasks,
  });
}

/** The project was withdrawn: what of the stage was still open is cancelled. */
export function stageWithdrawn(state: ReviewState, withdrawal: { reason: string; by: string; at: string }, cancelled: { department: string; kind: 'task' | 'followUp' }[]): ReviewEvent {
  return ev('cn.keyflow.review.stageWithdrawn', key(state, 'withdrawn'), {
    projectCode: state.project.code,
    projectName: state.project.name,
    stageId: state.stage.id,
    leadDepartment: state.stage.leadDepartment,
    ...withdrawal,
    cancelledTasks: cancelled.filter((c) => c.kind === 'task').map((c) => c.department),
    cancelledFollowUps: cancelled.filter((c) => c.kind === 'followUp').map((c) => c.department),
  });
}

/** A deadline or follow-up due date recounted on a newly loaded notice. */
export function deadlineRecounted(state: ReviewState, c: Recounted, change: CalendarChange): ReviewEvent {
  const task = state.tasks.find((t) => t.department === c.department);
  const provisional = c.kind === 'task' ? task?.provisional : task?.followUp?.provisional;
  return ev('cn.keyflow.review.deadlineRecounted', key(state, c.kind, c.department, 'recounted', change.version), {
    ...ref(state, c.department),
    kind: c.kind,
    previousDeadline: c.previousDeadline,
    previousDeadlineDate: c.previousDeadlineDate,
    deadline: c.deadline,
    deadlineDate: c.deadlineDate,
    documentNumber: change.documentNumber,
    calendarVersion: change.version,
    ...mark(provisional),
  });
}

/** The reminder to the department whose deadline moved, naming the new one (notifier: keyflow.reminders). */
export function recountReminder(state: ReviewState, c: Recounted, change: CalendarChange, at: string): { key: string; reminder: Reminder } {
  const what = c.kind === 'task' ? `${state.stage.name}审批期限` : `${state.stage.name}容缺补齐期限`;
  const title = `【期限调整】${state.project.name} ${what}改为 ${c.deadlineDate}`;
  const markdown = [
    `### ${title}`,
    `- 项目：${state.project.name}（${state.project.code}）`,
    `- 阶段：${state.stage.name}`,
    `- 原期限：${c.previousDeadlineDate}`,
    `- **新期限：${c.deadlineDate}**`,
    `- 依据：${change.documentNumber}（工作日历版本 ${change.version}），按新的节假日安排重新计算工作日`,
  ].join('\n');
  return {
    key: `${key(state, c.kind, c.department, 'recounted', change.version)}:department:${c.department}`,
    reminder: {
      kind: 'deadlineRecounted',
      recipient: { kind: 'department', id: c.department, name: c.department },
      mentionMobiles: [],
      title,
      markdown,
      sendAt: at,
      late: false,
      items: [],
      attendees: [],
    },
  };
}
