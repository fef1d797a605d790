/**
 * What follows a rejection (不予许可): the stage stays rejected with its reasons and waits for the
 * applicant to revise and apply again (重新申请) — by the re-application update, or by entering
 * preliminary work again. Each application is a new review attempt (`review-<code>-<stage>-r2`, …),
 * and every caller reaches the current attempt through the project's state. Also: 容缺 materials
 * handed in one by one, and supervision orders opened at the same moment.
 * The server's clock is pinned (a Monday in a year with a State Council notice).
 */
import { getProjectState, openSupervisionOrder, reapplyForReview, registerProject, transitionProject } from '../../client/projects';
import { actOnTask, currentReviewId, getReviewState, submitMissingMaterial } from '../../client/reviews';
import type { JointReviewConfig } from '../../schemas/jointReview';
import { verifyChain } from '../../domain/audit/chain';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { departmentItemsQuery } from '../../workflows/review/messages';
import { calendarWithSynthetic2027 } from '../support/calendars';
import { aProject } from '../support/fixtures';
import { eventually, reviewTestEnv, type ReviewTestEnv } from './jointReviewHarness';

const jointReview: JointReviewConfig = loadJointReviewConfig();
const MONDAY = new Date('2026-11-02T09:00:00+08:00');

// A worker runs once, so every test has a server and a worker of its own.
let t: ReviewTestEnv;
beforeEach(async () => {
  t = await reviewTestEnv({ calendar: calendarWithSynthetic2027(), at: MONDAY });
});
afterEach(async () => {
  await t?.teardown();
});

describe('rejection and re-application (重新申请)', () => {
  const ctxOf = () => ({ client: t.client, taskQueue: t.taskQueue, jointReviewConfig: jointReview });
  const by = (dept: string) => ({ by: `${dept}:reviewer`, department: dept });

  async function rejectedProject(tag: string): Promise<string> {
    const ctx = ctxOf();
    const project = aProject({ stage: 'reserve', category: 'preliminary' });
    await registerProject(ctx, project, 'test');
    await transitionProject(ctx, project.code, { requestId: `${tag}-to-preliminary`, to: 'preliminary', actor: { by: 'fgw:li' } });
    await eventually(() => getReviewState(ctx, project.code, 'landUsePlanning').catch(() => undefined), 'stage 1 started');
    await actOnTask(ctx, project.code, 'landUsePlanning', { requestId: `${tag}-approve-fgw`, department: 'fgw', actor: by('fgw'), action: 'approve' });
    await actOnTask(ctx, project.code, 'landUsePlanning', { requestId: `${tag}-reject-sthj`, department: 'sthj', actor: by('sthj'), action: 'reject', reason: '环评结论不予通过：选址位于水源保护区' });
    await eventually(async () => (await getProjectState(ctx, project.code)).approvals.landUsePlanning === 'rejected', 'the project sees the rejection');
    return project.code;
  }

  it('waits, rejected with its reasons, until the applicant applies again; the new attempt is the one acted on', async () => {
    await t.run(async () => {
      const ctx = ctxOf();
      const code = await rejectedProject('r1');
      let state = await getProjectState(ctx, code);
      expect(state.reviews.landUsePlanning).toMatchObject({
        attempt: 1,
        workflowId: `review-${code}-landUsePlanning`,
        status: 'rejected',
        rejections: [{ department: 'sthj', reason: '环评结论不予通过：选址位于水源保护区' }],
      });
      // A day later nothing has started by itself — neither this stage again nor the next — and
      // construction is still held back.
      await t.sleepUntil(new Date(MONDAY.getTime() + 24 * 3600 * 1000));
      await expect(t.client.workflow.getHandle(`review-${code}-landUsePlanning-r2`).describe()).rejects.toThrow();
      expect((await getProjectState(ctx, code)).approvals).toEqual({ landUsePlanning: 'rejected', engineeringPermit: 'notStarted', constructionPermit: 'notStarted' });
      await expect(getReviewState(ctx, code, 'engineeringPermit')).rejects.toMatchObject({ type: 'ReviewNotStarted', message: expect.stringContaining('once landUsePlanning is approved (now rejected)') });
      expect((await getReviewState(ctx, code, 'landUsePlanning')).status).toBe('rejected');
      await expect(transitionProject(ctx, code, { requestId: 'r1-start', to: 'started', actor: { by: 'owner' } })).rejects.toMatchObject({ type: 'ApprovalsIncomplete' });
      // The finished attempt still answers a repeat of the same request, and refuses its id for another.
      const rejection = { requestId: 'r1-reject-sthj', department: 'sthj', actor: by('sthj'), action: 'reject' as const, reason: '环评结论不予通过：选址位于水源保护区' };
      expect(await actOnTask(ctx, code, 'landUsePlanning', rejection)).toMatchObject({ action: 'reject', taskStatus: 'rejected' });
      await expect(actOnTask(ctx, code, 'landUsePlanning', { ...rejection, action: 'approve', reason: undefined })).rejects.toMatchObject({ type: 'RequestIdReused' });
      // Only a rejected stage can be applied for again.
      await expect(reapplyForReview(ctx, code, { requestId: 'r1-bad-request', stageId: 'engineeringPermit', actor: { by: 'xzsp:li' }, note: '补充材料' })).rejects.toMatchObject({
        type: 'IllegalTransition',
        issues: [{ field: 'stageId' }],
      });

      const again = await reapplyForReview(ctx, code, { requestId: 'r1-reapply', stageId: 'landUsePlanning', actor: { by: 'xzsp:li' }, note: '调整选址，避开水源保护区，重新编制环评报告' });
      expect(again).toEqual({ stageId: 'landUsePlanning', attempt: 2, workflowId: `review-${code}-landUsePlanning-r2`, started: true });
      // The same request again: the first answer, no third attempt.
      expect(await reapplyForReview(ctx, code, { requestId: 'r1-reapply', stageId: 'landUsePlanning', actor: { by: 'xzsp:li' }, note: '调整选址，避开水源保护区，重新编制环评报告' })).toEqual(again);
      expect(await currentReviewId(ctx, code, 'landUsePlanning')).toBe(again.workflowId);

      const review = await getReviewState(ctx, code, 'landUsePlanning');
      expect(review.status).toBe('inReview');
      expect(review.tasks.every((task) => task.status === 'open')).toBe(true);
      for (const task of review.tasks) {
        await actOnTask(ctx, code, 'landUsePlanning', { requestId: `r1-attempt2-${task.department}`, department: task.department, actor: by(task.department), action: 'approve' });
      }
      await eventually(async () => (await getProjectState(ctx, code)).approvals.landUsePlanning === 'approved', 'attempt 2 approved');
      state = await getProjectState(ctx, code);
      expect(state.reviews.landUsePlanning).toMatchObject({ attempt: 2, status: 'approved' });
      expect(state.reviewHistory).toMatchObject([{ attempt: 1, status: 'rejected', reapplied: { by: 'xzsp:li', note: '调整选址，避开水源保护区，重新编制环评报告' } }]);
      const reapplied = t.publisher.events.filter((e) => e.type === 'cn.keyflow.project.reviewReapplied' && e.subject === code);
      expect(reapplied.map((e) => e.data)).toMatchObject([{ stageId: 'landUsePlanning', attempt: 2, workflowId: again.workflowId, by: 'xzsp:li' }]);
      // The next stage follows the approved attempt.
      await eventually(() => getReviewState(ctx, code, 'engineeringPermit').catch(() => undefined), 'stage 2 started');
    });
  });

  it("puts the review's actions and its outcome on the project's chain, in order, as the ones who acted", async () => {
    await t.run(async () => {
      const ctx = ctxOf();
      const code = await rejectedProject('chain');
      const lines = await eventually(async () => {
        const chain = (await getProjectState(ctx, code)).audit ?? [];
        return chain.some((e) => e.kind === 'reviewDecided') ? chain : undefined;
      }, 'the outcome on the chain');
      expect(verifyChain(lines)).toMatchObject({ ok: true, entries: lines.length });
      const forwarded = lines.filter((e) => e.kind.startsWith('review'));
      expect(forwarded[0]).toMatchObject({ kind: 'reviewAction', key: 'chain-approve-fgw', actor: by('fgw'), data: { stageId: 'landUsePlanning', department: 'fgw', action: 'approve' } });
      expect(forwarded[1]).toMatchObject({ kind: 'reviewAction', key: 'chain-reject-sthj', actor: by('sthj'), data: { department: 'sthj', action: 'reject', reason: '环评结论不予通过：选址位于水源保护区' } });
      // The open tasks the rejection cancelled, then the outcome, last.
      expect(forwarded.slice(2, -1).map((e) => e.data.action)).toEqual(forwarded.slice(2, -1).map(() => 'cancelled'));
      expect(forwarded.at(-1)).toMatchObject({ kind: 'reviewDecided', data: { stageId: 'landUsePlanning', outcome: 'rejected', rejections: [{ department: 'sthj' }] } });
      // A consumer of the projects topic sees the head after each forwarded line, at its place in the chain.
      const chained = await eventually(() => {
        const events = t.publisher.events.filter((e) => e.type === 'cn.keyflow.project.reviewActionChained' && e.subject === code);
        return events.length >= forwarded.length ? events : undefined;
      }, 'a chained event per forwarded line');
      expect(chained.map((e) => e.data)).toEqual(forwarded.map((e) => ({ auditHead: e.hash, seq: e.seq, kind: e.kind, key: e.key, stageId: 'landUsePlanning', by: e.actor.by })));
    });
  });

  it('treats entering preliminary work again as a new application for the rejected stage', async () => {
    {
      await t.run(async () => {
        const ctx = ctxOf();
        const code = await rejectedProject('r2');
        await transitionProject(ctx, code, { requestId: 'r2-back-request', to: 'reserve', reason: '退回储备，调整选址', actor: { by: 'fgw:li' } });
        await transitionProject(ctx, code, { requestId: 'r2-forward', to: 'preliminary', actor: { by: 'fgw:li' } });
        await eventually(async () => (await getProjectState(ctx, code)).reviews.landUsePlanning?.attempt === 2, 'attempt 2 started');
        expect((await getReviewState(ctx, code, 'landUsePlanning')).status).toBe('inReview');
        expect((await getProjectState(ctx, code)).reviewHistory[0]?.reapplied?.note).toContain('重新进入前期工作');
      });
    }
  });
});

describe('容缺 materials handed in one by one, and orders opened together', () => {
  it('keeps the follow-up open until every missing material is in, and names the materials a return asks for', async () => {
    await t.run(async () => {
      const ctx = { client: t.client, taskQueue: t.taskQueue, jointReviewConfig: jointReview };
      const project = aProject({ stage: 'reserve', category: 'preliminary' });
      const code = project.code;
      await registerProject(ctx, project, 'test');
      await transitionProject(ctx, code, { requestId: 'm-prelim', to: 'preliminary', actor: { by: 'fgw:li' } });
      const review = await eventually(() => getReviewState(ctx, code, 'landUsePlanning').catch(() => undefined), 'stage 1 started');
      expect(review.tasks.find((task) => task.department === 'zrzy')?.materials).toEqual(
        jointReview.stages[0]!.participants.find((p) => p.department === 'zrzy')!.materials,
      );
      const zrzy = { by: 'zrzy:wang', department: 'zrzy' };
      // A return must name what is missing, from the department's list.
      await expect(actOnTask(ctx, code, 'landUsePlanning', { requestId: 'm-ret-none', department: 'zrzy', actor: zrzy, action: 'returnForSupplement', reason: '材料不全' })).rejects.toMatchObject({
        type: 'ValidationFailed',
        issues: [{ field: 'missingMaterials', rule: expect.stringContaining('一次性告知') }],
      });
      await expect(
        actOnTask(ctx, code, 'landUsePlanning', { requestId: 'm-ret-odd', department: 'zrzy', actor: zrzy, action: 'returnForSupplement', reason: '材料不全', missingMaterials: ['会议纪要'] }),
      ).rejects.toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'missingMaterials', rule: expect.stringContaining('会议纪要') }] });

      const two = ['勘测定界图', '建设项目规划选址论证材料'];
      const approved = await actOnTask(ctx, code, 'landUsePlanning', {
        requestId: 'm-rq-request',
        department: 'zrzy',
        actor: zrzy,
        action: 'approveWithMissing',
        reason: '容缺受理，先行审批',
        missingMaterials: two,
      });
      expect(approved.followUp).toMatchObject({ status: 'open', missingMaterials: two });

      const xzsp = { by: 'xzsp:li', department: 'xzsp' };
      const first = await submitMissingMaterial(ctx, code, 'landUsePlanning', { requestId: 'm-in-1-request', department: 'zrzy', actor: xzsp, materials: ['勘测定界图'] });
      expect(first.followUp).toMatchObject({ status: 'open', handedIn: [{ material: '勘测定界图', by: 'xzsp:li' }] });
      const handle = t.client.workflow.getHandle(await currentReviewId(ctx, code, 'landUsePlanning'));
      expect(await handle.query(departmentItemsQuery, 'zrzy')).toMatchObject([{ kind: 'followUp', missingMaterials: ['建设项目规划选址论证材料'] }]);
      // A material already in, or never missing, is named in the refusal.
      await expect(submitMissingMaterial(ctx, code, 'landUsePlanning', { requestId: 'm-in-again', department: 'zrzy', actor: xzsp, materials: ['勘测定界图'] })).rejects.toMatchObject({
        type: 'ValidationFailed',
        issues: [{ field: 'materials', rule: expect.stringContaining('勘测定界图') }],
      });
      const second = await submitMissingMaterial(ctx, code, 'landUsePlanning', { requestId: 'm-in-2-request', department: 'zrzy', actor: xzsp, materials: ['建设项目规划选址论证材料'] });
      expect(second.followUp).toMatchObject({ status: 'submitted', submittedBy: 'xzsp:li' });
      expect(second.followUp?.handedIn?.map((h) => h.material)).toEqual(['勘测定界图', '建设项目规划选址论证材料']);
      expect(await handle.query(departmentItemsQuery, 'zrzy')).toEqual([]);
      const audit = (await getReviewState(ctx, code, 'landUsePlanning')).tasks.find((task) => task.department === 'zrzy')!.audit;
      expect(audit.filter((a) => a.action === 'submitMissingMaterial').map((a) => a.reason)).toEqual([
        '已补交：勘测定界图；仍缺：建设项目规划选址论证材料',
        '已补交：建设项目规划选址论证材料；材料已补齐',
      ]);
    });
  });

  it('gives two supervision orders opened at the same moment two ids and two events', async () => {
    await t.run(async () => {
      const ctx = { client: t.client, taskQueue: t.taskQueue, jointReviewConfig: jointReview };
      const project = aProject({ stage: 'underConstruction', category: 'continuing' });
      await registerProject(ctx, project, 'test');
      const open = (n: number) => openSupervisionOrder(ctx, project.code, { requestId: `order-request-${n}`, actor: { by: 'dcs:zhao' }, reason: `第${n}次督办：进度滞后` });
      const [a, b] = await Promise.all([open(1), open(2)]);
      expect(new Set([a.id, b.id]).size).toBe(2);
      await eventually(() => t.publisher.events.filter((e) => e.type === 'cn.keyflow.supervision.orderIssued' && e.subject === project.code).length === 2, 'two orderIssued events');
      const issued = t.publisher.events.filter((e) => e.type === 'cn.keyflow.supervision.orderIssued' && e.subject === project.code);
      expect(new Set(issued.map((e) => e.id)).size).toBe(2);
      expect(issued.map((e) => (e.data as { order: { id: string } }).order.id).sort()).toEqual([a.id, b.id].sort());
      expect((await getProjectState(ctx, project.code)).orders.map((o) => o.id).sort()).toEqual([a.id, b.id].sort());
      // Like every project event, each names the chain head its action left (the entry that recorded it).
      const chain = (await getProjectState(ctx, project.code)).audit ?? [];
      const opened = chain.filter((e) => e.kind === 'orderOpened').map((e) => e.hash);
      expect(issued.map((e) => (e.data as { auditHead?: string }).auditHead).sort()).toEqual(opened.sort());
    });
  });
});
