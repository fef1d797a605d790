/**
 * Joint review (联审联批) without a server: the configuration and its validation, deadline
 * arithmetic with pauses, the task state machine and its refusals, inbox urgency, and a whole
 * project through the four stages on the configured limits.
 */
import { addWorkingDays, defaultCalendar, workingDaysBetween } from '../../domain/calendar';
import {
  actOnTask,
  deadlineAfter,
  inboxOf,
  isFinished,
  isRefusal,
  pausedWorkingDays,
  reminderFor,
  resubmit,
  settleStage,
  shiftDeadline,
  startReview,
  submitMissingMaterial,
  TIE_RULE,
  type Acted,
  type Refusal,
} from '../../domain/jointReview';
import { ActOnTaskInput, REFORM_CEILING_WORKING_DAYS, REVIEW_STAGE_IDS, type DepartmentItem, type ReviewState } from '../../schemas/jointReview';
import { SeedDataError } from '../../seeds';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import jointReviewJson from '../../seeds/joint-review.json';
import { reviewStageInput } from '../../workflows/review/messages';

const cal = defaultCalendar;
const at = (s: string): Date => new Date(s);
const project = { code: '2026-411122-13-03-000321', name: '临颍现代家居产业园', county: '411122', leadDepartment: 'fgw' };

function raw(): Record<string, unknown> & { stages: Array<Record<string, unknown> & { participants: Array<Record<string, unknown>> }> } {
  return structuredClone(jointReviewJson) as never;
}

function seedError(fn: () => unknown): SeedDataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SeedDataError);
    return e as SeedDataError;
  }
  throw new Error('expected a SeedDataError');
}

function ok(r: Acted | Refusal): Acted {
  if (isRefusal(r)) throw new Error(`refused: ${r.type}: ${r.message}`);
  return r;
}

function refused(r: Acted | Refusal): Refusal {
  if (!isRefusal(r)) throw new Error('expected a refusal');
  return r;
}

/** A review of `landUsePlanning` with the given participants, accepted at `acceptedAt`. */
function review(acceptedAt: Date, participants: Array<[string, number]>, lead = 2): ReviewState {
  const config = loadJointReviewConfig();
  const input = reviewStageInput(project, config, 'landUsePlanning', 'xzsp:wang');
  input.stage = { ...input.stage, participants: participants.map(([department, limitWorkingDays]) => ({ department, limitWorkingDays, matter: '审查' })) };
  input.policy = { ...input.policy, reminderLeadWorkingDays: lead };
  const s = startReview(cal, input, acceptedAt);
  if (isRefusal(s)) throw new Error(s.message);
  return s;
}

const act = (department: string, action: string, extra: Record<string, unknown> = {}, actorDept = department) =>
  ActOnTaskInput.parse({ requestId: `req-${department}-${action}-${Math.random()}`, department, actor: { by: `${actorDept}:li`, department: actorDept }, action, ...extra });

describe('configuration (seeds/joint-review.json)', () => {
  const config = loadJointReviewConfig();

  it('has the four stages of 国办发〔2019〕11号 in order, each led by one department', () => {
    expect(config.stages.map((s) => s.id)).toEqual([...REVIEW_STAGE_IDS]);
    expect(config.stages.map((s) => [s.name, s.leadDepartment])).toEqual([
      ['立项用地规划许可', 'fgw'],
      ['工程建设许可', 'zrzy'],
      ['施工许可', 'zjj'],
      ['竣工验收', 'zjj'],
    ]);
  });

  it('keeps every department within its stage limit and the stages within 120 working days', () => {
    for (const s of config.stages) for (const p of s.participants) expect(p.limitWorkingDays).toBeLessThanOrEqual(s.limitWorkingDays);
    const sum = config.stages.reduce((n, s) => n + s.limitWorkingDays, 0);
    expect(sum).toBeLessThanOrEqual(config.ceilingWorkingDays);
    expect(config.ceilingWorkingDays).toBeLessThanOrEqual(REFORM_CEILING_WORKING_DAYS);
    expect(config.policy).toEqual({
      reminderLeadWorkingDays: 2,
      reminderTimeOfDay: '09:00',
      followUpDefaultWorkingDays: 15,
      followUpMaxWorkingDays: 60,
      supervisors: ['dcs'],
      singleWindow: 'xzsp',
    });
  });

  it('refuses a department given more than its stage, naming the field and the limit', () => {
    const r = raw();
    r.stages[1]!.participants[1]!.limitWorkingDays = 31;
    const err = seedError(() => loadJointReviewConfig(r));
    expect(err.issues).toContainEqual({ field: 'stages[1].participants[1].limitWorkingDays', message: 'must not exceed the stage limit of 30 working days (is 31)' });
  });

  it('refuses stage limits above the 120-working-day ceiling, and a ceiling above the reform', () => {
    const r = raw();
    r.stages[3]!.limitWorkingDays = 41;
    expect(seedError(() => loadJointReviewConfig(r)).issues).toContainEqual({ field: 'stages', message: 'stage limits add up to 121 working days, more than the ceiling of 120' });
    const r2 = raw();
    r2.ceilingWorkingDays = 150;
    expect(seedError(() => loadJointReviewConfig(r2)).issues).toContainEqual({ field: 'ceilingWorkingDays', message: "must not exceed the reform's ceiling of 120 working days" });
  });

  it('refuses unknown departments, stages out of order and a repeated participant', () => {
    const r = raw();
    r.stages[0]!.participants[0]!.department = 'nosuch';
    (r.policy as Record<string, unknown>).supervisors = ['dcs', 'ghost'];
    expect(seedError(() => loadJointReviewConfig(r)).issues).toEqual([
      { field: 'stages[0].participants[0].department', message: 'unknown department "nosuch" (not in the reference data)' },
      { field: 'policy.supervisors[1]', message: 'unknown department "ghost" (not in the reference data)' },
    ]);
    const r2 = raw();
    r2.stages.reverse();
    expect(seedError(() => loadJointReviewConfig(r2)).issues[0]!.message).toMatch(/must list the four stages once each, in order: landUsePlanning, engineeringPermit/);
    const r3 = raw();
    r3.stages[0]!.participants.push({ ...r3.stages[0]!.participants[0]! });
    expect(seedError(() => loadJointReviewConfig(r3)).issues).toContainEqual({ field: 'stages[0].participants[4].department', message: 'department fgw is listed twice' });
  });
});

describe('deadlines on the working-day calendar', () => {
  it('counts a limit from the day after acceptance and ends it at 23:59:59.999 Shanghai', () => {
    const d = deadlineAfter(cal, at('2026-03-02T10:00:00+08:00'), 5);
    expect(d.date).toBe('2026-03-09');
    expect(d.instant.toISOString()).toBe('2026-03-09T15:59:59.999Z');
  });

  it('stops the clock for a return across Labour Day and moves the deadline by exactly the paused working days', () => {
    // Returned Wed 29 Apr, resubmitted Fri 8 May: 30 Apr, 6, 7, 8 May are paused (1–5 May are holidays).
    const paused = pausedWorkingDays(cal, at('2026-04-29T10:00:00+08:00'), at('2026-05-08T15:00:00+08:00'));
    expect(paused).toBe(4);
    // Deadline 7 May moves to 12 May: 8, 9 (Saturday worked, 调休), 11, 12 May.
    expect(shiftDeadline(cal, '2026-05-07', paused)).toBe('2026-05-12');
    expect(workingDaysBetween('2026-05-07', '2026-05-12')).toBe(paused);
    // Same-day resubmission pauses nothing.
    expect(pausedWorkingDays(cal, at('2026-04-29T10:00:00+08:00'), at('2026-04-29T16:00:00+08:00'))).toBe(0);
  });

  it('reminds on the working day `lead` days before the deadline, never before the deadline was set', () => {
    const acceptedAt = at('2026-04-27T09:30:00+08:00');
    // limit 5 → 7 May; 2 working days before it is 30 April.
    expect(reminderFor(cal, acceptedAt, 5, 2, '09:00', acceptedAt)?.toISOString()).toBe('2026-04-30T01:00:00.000Z');
    expect(reminderFor(cal, acceptedAt, 2, 2, '09:00', acceptedAt)).toBeNull();
  });
});

describe('the task state machine', () => {
  const acceptedAt = at('2026-04-27T09:30:00+08:00');

  it('assigns one open task per participant with its deadline and reminder, audited', () => {
    const s = review(acceptedAt, [['fgw', 3], ['zrzy', 5]]);
    expect(s.tasks.map((t) => [t.department, t.status, t.deadlineDate])).toEqual([
      ['fgw', 'open', '2026-04-30'],
      ['zrzy', 'open', '2026-05-07'],
    ]);
    expect(s.tasks[0]!.audit).toEqual([
      expect.objectContaining({ action: 'assigned', by: 'xzsp:wang', deadlineAtThatMoment: '2026-04-30T15:59:59.999Z', lateByWorkingDays: null }),
    ]);
  });

  it('return → resubmit → late approval: the pause moves the deadline, lateness and use are counted without it', () => {
    let s = review(acceptedAt, [['zrzy', 5]]);
    const returned = ok(actOnTask(cal, s, act('zrzy', 'returnForSupplement', { reason: '缺少用地预审材料', missingMaterials: ['用地预审申请表'] }), at('2026-04-29T10:00:00+08:00')));
    s = returned.state;
    expect(returned.task.status).toBe('returned');
    expect(returned.task.pauses[0]).toMatchObject({ deadlineBefore: '2026-05-07', workingDaysLeftAtPause: 3, missingMaterials: ['用地预审申请表'] });

    // While returned only a rejection is possible.
    expect(refused(actOnTask(cal, s, act('zrzy', 'approve'), at('2026-04-30T10:00:00+08:00')))).toMatchObject({ type: 'IllegalTransition' });

    const resumed = ok(resubmit(cal, s, { requestId: 'resubmit-0001', department: 'zrzy', actor: { by: 'applicant:zhang' } }, at('2026-05-08T15:00:00+08:00')));
    s = resumed.state;
    expect(resumed.task).toMatchObject({ status: 'open', deadlineDate: '2026-05-12', remindAt: '2026-05-09T01:00:00.000Z' });
    expect(resumed.task.pauses[0]).toMatchObject({ pausedWorkingDays: 4, deadlineAfter: '2026-05-12' });
    expect(resumed.task.audit.at(-1)).toMatchObject({
      action: 'resubmit',
      by: 'applicant:zhang',
      deadlineAtThatMoment: '2026-05-07T15:59:59.999Z',
      deadlineAfter: '2026-05-12T15:59:59.999Z',
    });

    const approved = ok(actOnTask(cal, s, act('zrzy', 'approve'), at('2026-05-14T10:00:00+08:00')));
    expect(approved.task.decision).toMatchObject({ late: true, lateByWorkingDays: 2, workingDaysUsed: 7 });
    expect(approved.result).toMatchObject({ taskStatus: 'approved', late: true, lateByWorkingDays: 2 });
    const settled = settleStage(approved.state, at('2026-05-14T10:00:00+08:00'), approved.stageWorkingDays!);
    expect(settled?.outcome).toMatchObject({ outcome: 'approved', workingDaysTaken: 11 });
  });

  it('refuses another department, a closed task, a missing task and a too-long follow-up — changing nothing', () => {
    const s = review(acceptedAt, [['fgw', 3], ['zrzy', 5]]);
    const r1 = refused(actOnTask(cal, s, act('zrzy', 'approve', {}, 'fgw'), acceptedAt));
    expect(r1).toMatchObject({ type: 'NotTaskOwner', message: 'fgw cannot act on the task of zrzy: only zrzy can (the task is open, due 2026-05-07)' });
    const done = ok(actOnTask(cal, s, act('fgw', 'approve'), at('2026-04-28T11:00:00+08:00')));
    const r2 = refused(actOnTask(cal, done.state, act('fgw', 'reject', { reason: '改变主意' }), at('2026-04-28T12:00:00+08:00')));
    expect(r2.type).toBe('TaskClosed');
    expect(r2.message).toMatch(/^the task of fgw is approved at 2026-04-28T03:00:00.000Z by fgw:li: a closed task cannot be acted on$/);
    expect(refused(actOnTask(cal, s, act('sthj', 'approve'), acceptedAt))).toMatchObject({ type: 'TaskNotFound' });
    expect(refused(actOnTask(cal, s, act('zrzy', 'approveWithMissing', { reason: '容缺', missingMaterials: ['图纸'], followUpWorkingDays: 61 }), acceptedAt))).toMatchObject({
      type: 'ValidationFailed',
      details: [{ field: 'followUpWorkingDays', rule: 'must not exceed 60 working days' }],
    });
    expect(s.tasks.every((t) => t.status === 'open' && t.audit.length === 1)).toBe(true);
  });

  it('a rejection ends the stage: the other tasks and open follow-ups are cancelled, with the reasons', () => {
    let s = review(acceptedAt, [['fgw', 3], ['zrzy', 5], ['sthj', 5]]);
    s = ok(actOnTask(cal, s, act('sthj', 'approveWithMissing', { reason: '容缺受理', missingMaterials: ['环评公示材料'], followUpWorkingDays: 10 }), at('2026-04-28T10:00:00+08:00'))).state;
    const rejected = ok(actOnTask(cal, s, act('zrzy', 'reject', { reason: '不符合国土空间规划' }), at('2026-04-29T10:00:00+08:00')));
    const settled = settleStage(rejected.state, at('2026-04-29T10:00:00+08:00'), rejected.stageWorkingDays!)!;
    expect(settled.outcome).toMatchObject({ outcome: 'rejected', rejections: [{ department: 'zrzy', by: 'zrzy:li', reason: '不符合国土空间规划' }] });
    expect(settled.cancelled).toEqual([
      { department: 'fgw', kind: 'task' },
      { department: 'sthj', kind: 'followUp' },
    ]);
    expect(isFinished(settled.state)).toBe(true);
    const late = submitMissingMaterial(cal, settled.state, { requestId: 'missing-0001', department: 'sthj', actor: { by: 'applicant:zhang' } }, at('2026-04-30T10:00:00+08:00'));
    expect(refused(late)).toMatchObject({ type: 'TaskClosed', message: 'the follow-up of sthj is already cancelled (the stage was rejected)' });
  });

  it('only the applicant or the single window resubmits and hands in materials', () => {
    let s = review(acceptedAt, [['zrzy', 5]]);
    s = ok(actOnTask(cal, s, act('zrzy', 'returnForSupplement', { reason: '材料不全', missingMaterials: ['补正材料'] }), at('2026-04-28T10:00:00+08:00'))).state;
    expect(refused(resubmit(cal, s, { requestId: 'resubmit-0002', department: 'zrzy', actor: { by: 'zrzy:li', department: 'zrzy' } }, at('2026-04-29T10:00:00+08:00')))).toMatchObject({
      type: 'NotTaskOwner',
    });
    expect(ok(resubmit(cal, s, { requestId: 'resubmit-0003', department: 'zrzy', actor: { by: 'xzsp:wang', department: 'xzsp' } }, at('2026-04-29T10:00:00+08:00'))).task.status).toBe('open');
  });
});

describe('inbox urgency', () => {
  const now = at('2026-06-10T10:00:00+08:00'); // a Wednesday
  const item = (projectCode: string, kind: 'task' | 'followUp', deadlineDate: string, paused = false, left: number | null = null): DepartmentItem => ({
    projectCode,
    projectName: 'p',
    county: '411122',
    stageId: 'engineeringPermit',
    department: 'zjj',
    kind,
    deadlineDate,
    deadline: new Date(`${deadlineDate}T23:59:59.999+08:00`).toISOString(),
    paused,
    workingDaysLeftAtPause: left,
  });

  it('puts the most overdue first, then the soonest due, tasks before follow-ups; returned tasks last', () => {
    const inbox = inboxOf(
      [
        item('2026-411122-13-03-000002', 'task', '2026-06-12'),
        item('2026-411122-13-03-000003', 'task', '2026-06-08', true, 3),
        item('2026-411122-13-03-000001', 'followUp', '2026-06-12'),
        item('2026-411122-13-03-000004', 'task', '2026-06-05'),
        item('2026-411122-13-03-000001', 'task', '2026-06-12'),
        item('2026-411122-13-03-000005', 'task', '2026-06-10'),
      ],
      now,
    );
    expect(inbox.map((i) => [i.projectCode.slice(-1), i.kind, i.status, i.workingDaysLeft])).toEqual([
      ['4', 'task', 'overdue', -3],
      ['5', 'task', 'open', 0],
      ['1', 'task', 'open', 2],
      ['2', 'task', 'open', 2],
      ['1', 'followUp', 'open', 2],
      ['3', 'task', 'returned', 3],
    ]);
    expect(TIE_RULE).toMatch(/most overdue first/);
  });

  it('gives null working days left rather than a guess when the calendar has no data', () => {
    const [i] = inboxOf([item('2026-411122-13-03-000002', 'task', '2026-12-31')], at('2027-01-05T10:00:00+08:00'));
    expect(i).toMatchObject({ status: 'overdue', workingDaysLeft: null });
  });
});

describe('a project through all four stages on the configured limits (pure scenario)', () => {
  it('takes exactly the sum of the stage limits when every department uses its full limit, within 120 working days', () => {
    const config = loadJointReviewConfig();
    const firstAcceptance = at('2026-01-05T09:00:00+08:00');
    let acceptedAt = firstAcceptance;
    let decidedAt = firstAcceptance;
    for (const stage of config.stages) {
      let s = startReview(cal, reviewStageInput(project, config, stage.id, 'xzsp:wang'), acceptedAt) as ReviewState;
      let stageDays = 0;
      // Each department decides at 17:00 on its deadline day, in deadline order.
      for (const t of [...s.tasks].sort((a, b) => a.deadline.localeCompare(b.deadline))) {
        decidedAt = at(`${t.deadlineDate}T17:00:00+08:00`);
        const acted = ok(actOnTask(cal, s, act(t.department, 'approve'), decidedAt));
        expect(acted.task.decision).toMatchObject({ late: false, workingDaysUsed: t.limitWorkingDays });
        s = acted.state;
        stageDays = acted.stageWorkingDays!;
      }
      const settled = settleStage(s, decidedAt, stageDays)!;
      expect(settled.outcome).toMatchObject({ outcome: 'approved', workingDaysTaken: stage.limitWorkingDays });
      acceptedAt = decidedAt; // the next stage is accepted when this one is approved
    }
    const total = workingDaysBetween(firstAcceptance, decidedAt);
    const configured = config.stages.reduce((n, s) => n + s.limitWorkingDays, 0);
    expect(total).toBe(configured);
    expect(total).toBeLessThanOrEqual(REFORM_CEILING_WORKING_DAYS);
    expect(decidedAt.toISOString()).toBe(new Date(`${addWorkingDays('2026-01-05', configured)}T17:00:00+08:00`).toISOString());
  });
});
