/**
 * The `reviewStage` workflow on Temporal's time-skipping server: parallel approval, rejection,
 * return for supplement, approval with missing materials, reminders and escalations, refusals.
 * Each test gets its own server, whose clock starts at the real now, so expectations are
 * computed with the calendar from the times the workflow recorded, never hard-coded — except
 * when the holiday data ends within a few weeks of the real now (late December before the next
 * notice is in): the tests count short deadlines and skip days ahead, so the server then starts
 * at a pinned ordinary working day instead (a pinned server runs these tests a few times slower).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { KeyflowError } from '../../client/errors';
import { actOnTask, getReviewState, resubmitTask, startReviewStage, submitMissingMaterial } from '../../client/reviews';
import type { ClientContext } from '../../client/projects';
import { addWorkingDays, defaultCalendar, endOfWorkingDay, shanghaiDate, workingDaysBetween } from '../../domain/calendar';
import type { ActOnTaskInputRaw, ActionResult, ReviewStageId, ReviewStageInput, ReviewStageResult, ReviewState } from '../../schemas/jointReview';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { reviewStageInput, reviewStageWorkflowId } from '../../workflows/review/messages';
import { calendarWithSynthetic2027 } from '../support/calendars';
import { calendarRoom, eventually, reviewTestEnv, type ReviewTestEnv } from './jointReviewHarness';
import { refusal } from '../support/refusal';

let serial = 0;
function projectCode(): string {
  serial += 1;
  return `2026-411122-13-03-${String((process.pid * 100 + serial) % 1_000_000).padStart(6, '0')}`;
}

/** A review input for one stage with the given participants (limits in working days). */
function stageInput(code: string, participants: Array<[string, number]>, opts: { lead?: number; stageId?: ReviewStageId } = {}): ReviewStageInput {
  const config = loadJointReviewConfig();
  const input = reviewStageInput({ code, name: '漯河统一企业高端方便面生产线', county: 'etdz', leadDepartment: 'fgw' }, config, opts.stageId ?? 'landUsePlanning', 'xzsp:wang');
  const limit = Math.max(...participants.map(([, n]) => n));
  input.stage = { ...input.stage, limitWorkingDays: limit, participants: participants.map(([department, limitWorkingDays]) => ({ department, limitWorkingDays, matter: `${department} 审查` })) };
  input.policy = { ...input.policy, reminderLeadWorkingDays: opts.lead ?? 1 };
  return input;
}

/** The real now, or Tuesday 3 November 2026, 10:00 Asia/Shanghai when the real now is near (or past) the end of the holiday data. */
const START: Date | undefined = (() => {
  try {
    if (calendarRoom(new Date()) >= 15) return undefined;
  } catch {
    // The real now is itself in a year without holiday data.
  }
  return new Date('2026-11-03T10:00:00+08:00');
})();

async function withEnv(body: (h: ReviewTestEnv, ctx: ClientContext) => Promise<void>, calendar = defaultCalendar): Promise<void> {
  const h = await reviewTestEnv({ calendar, at: START });
  try {
    await h.run(() => body(h, { client: h.client, taskQueue: h.taskQueue }));
  } finally {
    await h.teardown();
  }
}

async function start(ctx: ClientContext, input: ReviewStageInput): Promise<ReviewState> {
  await startReviewStage(ctx, input);
  return eventually(() => getReviewState(ctx, input.project.code, input.stage.id).catch(() => undefined), 'the review to start');
}

const approve = (department: string, requestId = `approve-${department}-${Math.random()}`): ActOnTaskInputRaw => ({
  requestId,
  department,
  actor: { by: `${department}:zhang`, department },
  action: 'approve',
});

function resultOf(ctx: ClientContext, code: string, stageId: ReviewStageId = 'landUsePlanning'): Promise<ReviewStageResult> {
  return ctx.client.workflow.getHandle(reviewStageWorkflowId(code, stageId)).result();
}

async function searchAttributes(ctx: ClientContext, code: string): Promise<Record<string, unknown>> {
  const d = await ctx.client.workflow.getHandle(reviewStageWorkflowId(code, 'landUsePlanning')).describe();
  return d.searchAttributes as Record<string, unknown>;
}

/**
 * Starts a review while no worker polls, sends `action` at once, and only then starts the
 * worker: the first workflow task carries both the start and the action, as when a department's
 * client acts the moment a review appears.
 */
async function withActionSentWithTheStart(
  inputAt: (now: Date) => ReviewStageInput,
  action: ActOnTaskInputRaw,
  body: (h: ReviewTestEnv, ctx: ClientContext, code: string, acting: Promise<ActionResult>) => Promise<void>,
): Promise<void> {
  const h = await reviewTestEnv({ at: START });
  try {
    const ctx = { client: h.client, taskQueue: h.taskQueue };
    const input = inputAt(await h.now());
    await startReviewStage(ctx, input);
    const acting = actOnTask(ctx, input.project.code, input.stage.id, action);
    acting.catch(() => undefined); // observed by the body
    await new Promise((r) => setTimeout(r, 1000)); // lets the update reach the server before any worker polls
    await h.run(() => body(h, ctx, input.project.code, acting));
  } finally {
    await h.teardown();
  }
}


describe('reviewStage on the time-skipping server', () => {
  it('completes the stage when every department has approved, in parallel, each within its calendar deadline', async () => {
    await withEnv(async (h, ctx) => {
      const code = projectCode();
      const state = await start(ctx, stageInput(code, [['fgw', 3], ['zrzy', 4], ['sthj', 2]]));
      const acceptedOn = shanghaiDate(state.acceptedAt);
      for (const t of state.tasks) {
        expect(t.deadlineDate).toBe(addWorkingDays(acceptedOn, t.limitWorkingDays));
        expect(t.deadline).toBe(endOfWorkingDay(t.deadlineDate).toISOString());
      }
      const assigned = await eventually(() => h.publisher.ofType('taskAssigned').length === 3 && h.publisher.ofType('taskAssigned'), 'three assignments');
      expect(assigned.map((e) => [e.subject, e.source, e.topic, (e.data as { department: string }).department])).toEqual([
        [code, '/keyflow/reviews', 'keyflow.reviews', 'fgw'],
        [code, '/keyflow/reviews', 'keyflow.reviews', 'zrzy'],
        [code, '/keyflow/reviews', 'keyflow.reviews', 'sthj'],
      ]);

      await h.env.sleep('1 day');
      await actOnTask(ctx, code, 'landUsePlanning', approve('sthj'));
      await eventually(async () => {
        const sa = await searchAttributes(ctx, code);
        return JSON.stringify(sa.KeyflowOpenDepartments) === JSON.stringify(['fgw', 'zrzy']);
      }, 'visibility to drop sthj from the open departments');

      await h.env.sleep('1 day');
      await actOnTask(ctx, code, 'landUsePlanning', approve('fgw'));
      const last = await actOnTask(ctx, code, 'landUsePlanning', approve('zrzy'));
      expect(last).toMatchObject({ taskStatus: 'approved', late: false, stageStatus: 'approved' });

      const result = await resultOf(ctx, code);
      expect(result.outcome).toMatchObject({
        outcome: 'approved',
        rejections: [],
        openFollowUps: [],
        workingDaysTaken: workingDaysBetween(state.acceptedAt, last.at),
      });
      const decided = h.publisher.ofType('taskDecided').map((e) => e.data as { department: string; late: boolean; decision: string });
      expect(decided.map((d) => [d.department, d.decision, d.late])).toEqual([
        ['sthj', 'approve', false],
        ['fgw', 'approve', false],
        ['zrzy', 'approve', false],
      ]);
      const completed = h.publisher.ofType('stageCompleted');
      expect(completed).toHaveLength(1);
      expect(completed[0]!.data).toMatchObject({ outcome: 'approved', stageId: 'landUsePlanning', cancelledTasks: [], leadDepartment: 'fgw' });
      expect(h.publisher.events.at(-1)!.type).toBe('cn.keyflow.review.stageCompleted');
      expect(new Set(h.publisher.events.map((e) => e.id)).size).toBe(h.publisher.events.length);
    });
  });

  it('ends the stage as rejected at the first rejection, with the reasons, cancelling the other tasks', async () => {
    await withEnv(async (h, ctx) => {
      const code = projectCode();
      await start(ctx, stageInput(code, [['fgw', 3], ['zrzy', 4], ['sthj', 2]]));
      await actOnTask(ctx, code, 'landUsePlanning', approve('sthj'));
      await actOnTask(ctx, code, 'landUsePlanning', {
        requestId: 'reject-zrzy-0001',
        department: 'zrzy',
        actor: { by: 'zrzy:li', department: 'zrzy' },
        action: 'reject',
        reason: '选址不符合国土空间规划',
      });
      const result = await resultOf(ctx, code);
      expect(result.outcome).toMatchObject({ outcome: 'rejected', rejections: [{ department: 'zrzy', by: 'zrzy:li', reason: '选址不符合国土空间规划' }] });
      const state = await getReviewState(ctx, code, 'landUsePlanning');
      expect(state.tasks.map((t) => [t.department, t.status])).toEqual([
        ['fgw', 'cancelled'],
        ['zrzy', 'rejected'],
        ['sthj', 'approved'],
      ]);
      expect(state.tasks[0]!.audit.at(-1)).toMatchObject({ action: 'cancelled', by: 'system', reason: 'stage rejected by zrzy' });
      const [completed] = await eventually(() => h.publisher.ofType('stageCompleted').length > 0 && h.publisher.ofType('stageCompleted'), 'stageCompleted');
      expect(completed!.data).toMatchObject({ outcome: 'rejected', cancelledTasks: ['fgw'], rejections: [{ department: 'zrzy', reason: '选址不符合国土空间规划' }] });

      const late = await refusal(actOnTask(ctx, code, 'landUsePlanning', approve('fgw')));
      expect(late.type).toBe('TaskClosed');
      expect(late.message).toContain('finished (rejected)');
    });
  });

  it('stops the clock on a return for supplement and moves the deadline by exactly the paused working days', async () => {
    await withEnv(async (h, ctx) => {
      const code = projectCode();
      const state = await start(ctx, stageInput(code, [['fgw', 3], ['zrzy', 4]]));
      await actOnTask(ctx, code, 'landUsePlanning', approve('fgw'));
      const original = state.tasks.find((t) => t.department === 'zrzy')!;

      await h.env.sleep('1 day');
      const returned = await actOnTask(ctx, code, 'landUsePlanning', {
        requestId: 'return-zrzy-0001',
        department: 'zrzy',
        actor: { by: 'zrzy:li', department: 'zrzy' },
        action: 'returnForSupplement',
        reason: '用地预审材料不全，一次性告知',
        missingMaterials: ['用地预审申请表', '勘测定界图'],
      });
      expect(returned.taskStatus).toBe('returned');

      await h.env.sleep('7 days');
      const resumed = await resubmitTask(ctx, code, 'landUsePlanning', { requestId: 'resubmit-zrzy-0001', department: 'zrzy', actor: { by: 'applicant:zhao' } });
      const paused = workingDaysBetween(returned.at, resumed.at);
      expect(paused).toBeGreaterThan(0);
      expect(resumed.deadlineDate).toBe(addWorkingDays(original.deadlineDate, paused));
      expect(workingDaysBetween(original.deadlineDate, resumed.deadlineDate)).toBe(paused);
      expect(resumed.taskStatus).toBe('open');

      const [ret] = await eventually(() => h.publisher.ofType('taskReturned').length > 0 && h.publisher.ofType('taskReturned'), 'taskReturned');
      expect(ret!.data).toMatchObject({
        department: 'zrzy',
        missingMaterials: ['用地预审申请表', '勘测定界图'],
        deadlineAtPause: original.deadline,
        workingDaysLeftAtPause: workingDaysBetween(returned.at, original.deadlineDate),
      });
      const [res] = await eventually(() => h.publisher.ofType('taskResubmitted').length > 0 && h.publisher.ofType('taskResubmitted'), 'taskResubmitted');
      expect(res!.data).toMatchObject({ pausedWorkingDays: paused, previousDeadline: original.deadline, deadlineDate: resumed.deadlineDate });
      // The clock stood still: passing the old deadline while returned escalated nothing.
      expect(h.publisher.ofType('taskOverdue')).toEqual([]);

      const decided = await actOnTask(ctx, code, 'landUsePlanning', approve('zrzy'));
      const final = await getReviewState(ctx, code, 'landUsePlanning');
      const zrzy = final.tasks.find((t) => t.department === 'zrzy')!;
      expect(zrzy.decision).toMatchObject({ late: false, workingDaysUsed: workingDaysBetween(state.acceptedAt, decided.at) - paused });
      expect(zrzy.audit.map((a) => [a.action, a.deadlineAtThatMoment])).toEqual([
        ['assigned', original.deadline],
        ['returnForSupplement', original.deadline],
        ['resubmit', original.deadline],
        ['approve', resumed.deadline],
      ]);
      expect(zrzy.audit[2]!.deadlineAfter).toBe(resumed.deadline);
      expect((await resultOf(ctx, code)).outcome!.outcome).toBe('approved');
    });
  });

  it('approves with missing materials (容缺): the stage is approved at once, the follow-up is reminded, escalated when overdue, and closed late', async () => {
    await withEnv(async (h, ctx) => {
      const code = projectCode();
      await start(ctx, stageInput(code, [['fgw', 2], ['sthj', 3]]));
      const withMissing = await actOnTask(ctx, code, 'landUsePlanning', {
        requestId: 'missing-sthj-0001',
        department: 'sthj',
        actor: { by: 'sthj:sun', department: 'sthj' },
        action: 'approveWithMissing',
        reason: '非要件材料容缺受理',
        missingMaterials: ['水土保持方案批复'],
        followUpWorkingDays: 2,
      });
      const fu = withMissing.followUp!;
      expect(fu).toMatchObject({ status: 'open', workingDays: 2, dueDate: addWorkingDays(shanghaiDate(withMissing.at), 2) });
      await actOnTask(ctx, code, 'landUsePlanning', approve('fgw'));

      const [completed] = await eventually(() => h.publisher.ofType('stageCompleted').length > 0 && h.publisher.ofType('stageCompleted'), 'stageCompleted');
      expect(completed!.data).toMatchObject({ outcome: 'approved', openFollowUps: [{ department: 'sthj', dueDate: fu.dueDate }] });
      const described = await ctx.client.workflow.getHandle(reviewStageWorkflowId(code, 'landUsePlanning')).describe();
      expect(described.status.name).toBe('RUNNING');

      expect(fu.remindAt).not.toBeNull();
      await h.sleepUntil(new Date(Date.parse(fu.remindAt!) + 60_000));
      const [due] = await eventually(() => h.publisher.ofType('followUpDue').length > 0 && h.publisher.ofType('followUpDue'), 'followUpDue');
      expect(due!.data).toMatchObject({ department: 'sthj', missingMaterials: ['水土保持方案批复'], dueDate: fu.dueDate, workingDaysLeft: 1 });

      await h.sleepUntil(new Date(Date.parse(fu.due) + 3_600_000));
      const [overdue] = await eventually(() => h.publisher.ofType('followUpOverdue').length > 0 && h.publisher.ofType('followUpOverdue'), 'followUpOverdue');
      expect(overdue!.data).toMatchObject({ department: 'sthj', dueDate: fu.dueDate, escalatedTo: ['fgw', 'dcs'] });
      await eventually(async () => (await searchAttributes(ctx, code)).KeyflowOverdue?.toString() === 'true', 'visibility to show the review overdue');

      await h.env.sleep('2 days');
      const handedIn = await submitMissingMaterial(ctx, code, 'landUsePlanning', {
        requestId: 'handin-sthj-0001',
        department: 'sthj',
        actor: { by: 'applicant:zhao' },
        materials: ['水土保持方案批复'],
      });
      expect(handedIn).toMatchObject({ late: true, lateByWorkingDays: Math.max(0, workingDaysBetween(fu.dueDate, handedIn.at)) });
      const result = await resultOf(ctx, code);
      expect(result.followUps).toEqual([{ department: 'sthj', status: 'submitted', dueDate: fu.dueDate, late: true, lateByWorkingDays: handedIn.lateByWorkingDays }]);
      const [closed] = await eventually(() => h.publisher.ofType('followUpClosed').length > 0 && h.publisher.ofType('followUpClosed'), 'followUpClosed');
      expect(closed!.data).toMatchObject({ status: 'submitted', by: 'applicant:zhao', late: true });
    });
  });

  it('reminds before a deadline and escalates an overdue task to the lead and the supervisors; the late decision records its lateness', async () => {
    await withEnv(async (h, ctx) => {
      const code = projectCode();
      const state = await start(ctx, stageInput(code, [['fgw', 3], ['zrzy', 3]]));
      await actOnTask(ctx, code, 'landUsePlanning', approve('fgw'));
      const zrzy = state.tasks.find((t) => t.department === 'zrzy')!;
      expect(zrzy.remindAt).toBe(new Date(`${addWorkingDays(shanghaiDate(state.acceptedAt), 2)}T09:00:00+08:00`).toISOString());

      await h.sleepUntil(new Date(Date.parse(zrzy.remindAt!) + 60_000));
      const [reminder] = await eventually(() => h.publisher.ofType('taskReminder').length > 0 && h.publisher.ofType('taskReminder'), 'taskReminder');
      expect(reminder!.data).toMatchObject({ department: 'zrzy', leadDepartment: 'fgw', deadlineDate: zrzy.deadlineDate, workingDaysLeft: 1 });
      expect(h.publisher.ofType('taskOverdue')).toEqual([]);

      await h.sleepUntil(new Date(Date.parse(zrzy.deadline) + 3_600_000));
      const [overdue] = await eventually(() => h.publisher.ofType('taskOverdue').length > 0 && h.publisher.ofType('taskOverdue'), 'taskOverdue');
      expect(overdue!.data).toMatchObject({ department: 'zrzy', deadline: zrzy.deadline, escalatedTo: ['fgw', 'dcs'] });
      await eventually(async () => (await searchAttributes(ctx, code)).KeyflowOverdue?.toString() === 'true', 'visibility to show the review overdue');

      await h.env.sleep('3 days');
      const late = await actOnTask(ctx, code, 'landUsePlanning', approve('zrzy'));
      const lateBy = workingDaysBetween(zrzy.deadlineDate, late.at);
      expect(late).toMatchObject({ late: true, lateByWorkingDays: Math.max(0, lateBy), taskStatus: 'approved' });
      await eventually(() => h.publisher.ofType('taskDecided').length === 2, 'two decisions');
      expect(h.publisher.ofType('taskDecided').map((e) => e.data)).toContainEqual(expect.objectContaining({ department: 'zrzy', late: true, lateByWorkingDays: late.lateByWorkingDays }));
      await resultOf(ctx, code);
      const final = await getReviewState(ctx, code, 'landUsePlanning');
      expect(final.tasks.find((t) => t.department === 'zrzy')!.audit.map((a) => [a.action, a.lateByWorkingDays])).toEqual([
        ['assigned', null],
        ['reminded', null],
        ['overdue', null],
        ['approve', late.lateByWorkingDays],
      ]);
    });
  });

  it('accepts an action that reaches the server with the start, before the workflow has counted its deadlines', async () => {
    await withActionSentWithTheStart(
      () => stageInput(projectCode(), [['fgw', 3], ['zrzy', 4]]),
      approve('fgw', 'at-once-fgw'),
      async (h, ctx, code, acting) => {
        expect(await acting).toMatchObject({ department: 'fgw', action: 'approve', late: false, stageStatus: 'inReview' });
        const state = await getReviewState(ctx, code, 'landUsePlanning');
        expect(state.tasks.find((t) => t.department === 'fgw')).toMatchObject({ status: 'approved' });
        // Every task's assignment is announced before the first decision.
        await eventually(() => h.publisher.ofType('taskDecided').length === 1, 'the decision event');
        expect(h.publisher.events.map((e) => e.type.replace('cn.keyflow.review.', '')).slice(0, 3)).toEqual(['taskAssigned', 'taskAssigned', 'taskDecided']);
      },
    );
  });

  it('refuses an action that came with a start whose deadlines the calendar cannot count, and announces nothing', async () => {
    await withActionSentWithTheStart(
      (now) => stageInput(projectCode(), [['fgw', 2], ['zrzy', calendarRoom(now) + 1]]),
      approve('fgw', 'at-once-fgw'),
      async (h, ctx, code, acting) => {
        const err = await acting.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KeyflowError);
        expect(err).toMatchObject({ type: 'TaskClosed' });
        expect((await resultOf(ctx, code).catch((e: unknown) => e)) as WorkflowFailedError).toBeInstanceOf(WorkflowFailedError);
        expect(h.publisher.events).toEqual([]);
      },
    );
  });

  it("refuses a department acting on another department's task, a closed task and an unknown one; repeats return the first result", async () => {
    await withEnv(async (h, ctx) => {
      const code = projectCode();
      await start(ctx, stageInput(code, [['fgw', 3], ['zrzy', 3]]));
      await eventually(() => h.publisher.ofType('taskAssigned').length === 2, 'assignments');

      const notOwner = await refusal(
        actOnTask(ctx, code, 'landUsePlanning', { requestId: 'cross-0001', department: 'zrzy', actor: { by: 'fgw:zhang', department: 'fgw' }, action: 'approve' }),
      );
      expect(notOwner.type).toBe('NotTaskOwner');
      expect(notOwner.message).toMatch(/^fgw cannot act on the task of zrzy: only zrzy can \(the task is open, due \d{4}-\d{2}-\d{2}\)$/);

      const first = await actOnTask(ctx, code, 'landUsePlanning', approve('fgw', 'fgw-approve-0001'));
      const again = await actOnTask(ctx, code, 'landUsePlanning', approve('fgw', 'fgw-approve-0001'));
      expect(again).toEqual(first);
      const reused = await refusal(actOnTask(ctx, code, 'landUsePlanning', { ...approve('fgw', 'fgw-approve-0001'), action: 'reject', reason: '再议' }));
      expect(reused.type).toBe('RequestIdReused');
      // The whole request counts, not only its action: another actor under the same id is refused too.
      const otherActor = await refusal(actOnTask(ctx, code, 'landUsePlanning', { ...approve('fgw', 'fgw-approve-0001'), actor: { by: 'fgw:li', department: 'fgw' } }));
      expect(otherActor).toMatchObject({ type: 'RequestIdReused', issues: [{ field: 'requestId', rule: expect.stringContaining('approve fgw') }] });

      const closed = await refusal(actOnTask(ctx, code, 'landUsePlanning', approve('fgw', 'fgw-approve-0002')));
      expect(closed.type).toBe('TaskClosed');
      expect(closed.message).toMatch(/^the task of fgw is approved at .* by fgw:zhang: a closed task cannot be acted on$/);

      expect((await refusal(actOnTask(ctx, code, 'landUsePlanning', approve('sthj')))).type).toBe('TaskNotFound');
      const noReason = await refusal(actOnTask(ctx, code, 'landUsePlanning', { ...approve('zrzy'), action: 'reject' }));
      expect(noReason).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'input.reason', rule: 'must give a reason to reject' }] });

      // None of the refusals or the repeat changed anything or emitted anything.
      const state = await getReviewState(ctx, code, 'landUsePlanning');
      expect(state.tasks.map((t) => [t.department, t.status, t.audit.length])).toEqual([
        ['fgw', 'approved', 2],
        ['zrzy', 'open', 1],
      ]);
      await eventually(() => h.publisher.ofType('taskDecided').length === 1, 'the one decision');
      expect(h.publisher.events.map((e) => e.type.replace('cn.keyflow.review.', ''))).toEqual(['taskAssigned', 'taskAssigned', 'taskDecided']);

      // After the review has finished a repeat still gets its first result; anything new is closed.
      const zrzyDone = await actOnTask(ctx, code, 'landUsePlanning', approve('zrzy', 'zrzy-approve-0001'));
      await resultOf(ctx, code);
      expect(await actOnTask(ctx, code, 'landUsePlanning', approve('zrzy', 'zrzy-approve-0001'))).toEqual(zrzyDone);
      expect((await refusal(actOnTask(ctx, code, 'landUsePlanning', approve('zrzy', 'zrzy-approve-0002')))).type).toBe('TaskClosed');
    });
  });

  it('fails the start with UnknownHolidayYear when a deadline falls in a year without a holiday notice — and starts once the year is in the data', async () => {
    let input: ReviewStageInput | undefined;
    await withEnv(async (h, ctx) => {
      const room = calendarRoom(await h.now());
      input = stageInput(projectCode(), [['fgw', 2], ['zrzy', room + 1]]);
      await startReviewStage(ctx, input);
      const err = await resultOf(ctx, input.project.code).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause).toMatchObject({ type: 'UnknownHolidayYear', nonRetryable: true });
      expect(cause!.message).toMatch(/no State Council holiday notice on record for 2027/);
      expect(h.publisher.events).toEqual([]);
    });
    // The same review, on a worker whose calendar holds 2027 (a synthetic test year), starts.
    await withEnv(async (h, ctx) => {
      const state = await start(ctx, input!);
      expect(state.tasks.find((t) => t.department === 'zrzy')!.deadlineDate.startsWith('2027-')).toBe(true);
    }, calendarWithSynthetic2027());
  });
});
