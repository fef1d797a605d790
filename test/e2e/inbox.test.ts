/**
 * A department's inbox on the real dev server: visibility (KeyflowOpenDepartments) finds the
 * running reviews that hold something of the department, each is queried for its items, and the
 * inbox lists exactly the department's open items, most urgent first.
 */
import { KeyflowError } from '../../client/errors';
import { actOnTask, departmentInbox, startReviewStage } from '../../client/reviews';
import { workingDaysBetween } from '../../domain/calendar';
import type { InboxItem, ReviewStageId, ReviewStageInput } from '../../schemas/jointReview';
import { TOPICS } from '../../schemas/topics';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { reviewStageInput } from '../../workflows/review/messages';
import { readEvents, startHarness, type E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';

const config = loadJointReviewConfig();

function review(stageId: ReviewStageId, participants: Array<[string, number]>): ReviewStageInput {
  const p = aProject();
  const input = reviewStageInput({ code: p.code, name: p.name, county: p.county, leadDepartment: p.leadDepartment }, config, stageId, 'xzsp:test');
  input.stage = {
    ...input.stage,
    limitWorkingDays: Math.max(...participants.map(([, n]) => n)),
    participants: participants.map(([department, limitWorkingDays]) => ({ department, limitWorkingDays, matter: `${department} 审查` })),
  };
  return input;
}

const by = (department: string) => ({ by: `${department}:e2e`, department });

describe('department inbox (待办) through Temporal visibility', () => {
  let h: E2EHarness;
  beforeAll(async () => {
    h = await startHarness('inbox');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("lists exactly the department's open tasks, returned tasks and follow-ups, in order of urgency", async () => {
    const soon = review('engineeringPermit', [['zjj', 2], ['zrzy', 3]]);
    const later = review('landUsePlanning', [['zjj', 5], ['fgw', 2]]);
    const decided = review('constructionPermit', [['zjj', 3], ['rf', 4]]);
    const followUp = review('landUsePlanning', [['zjj', 4], ['sthj', 4]]);
    const returned = review('completionAcceptance', [['zjj', 3], ['xf', 3]]);
    const other = review('landUsePlanning', [['fgw', 1]]);
    const all = [soon, later, decided, followUp, returned, other];
    for (const r of all) await startReviewStage(h, r);

    await actOnTask(h, decided.project.code, 'constructionPermit', { requestId: 'inbox-decided-1', department: 'zjj', actor: by('zjj'), action: 'approve' });
    const fu = await actOnTask(h, followUp.project.code, 'landUsePlanning', {
      requestId: 'inbox-followup-1',
      department: 'zjj',
      actor: by('zjj'),
      action: 'approveWithMissing',
      reason: '容缺受理',
      missingMaterials: ['施工合同'],
      followUpWorkingDays: 1,
    });
    const ret = await actOnTask(h, returned.project.code, 'completionAcceptance', {
      requestId: 'inbox-return-1',
      department: 'zjj',
      actor: by('zjj'),
      action: 'returnForSupplement',
      reason: '竣工图纸不全',
      missingMaterials: ['竣工图纸'],
    });

    const ours = new Set(all.map((r) => r.project.code));
    const expected = [
      [followUp.project.code, 'landUsePlanning', 'followUp', 'open'],
      [soon.project.code, 'engineeringPermit', 'task', 'open'],
      [later.project.code, 'landUsePlanning', 'task', 'open'],
      [returned.project.code, 'completionAcceptance', 'task', 'returned'],
    ];
    // Visibility catches up asynchronously: poll, bounded, until the listing settles on the expectation.
    let inbox: InboxItem[];
    const until = Date.now() + 30_000;
    for (;;) {
      inbox = (await departmentInbox(h, 'zjj')).filter((i) => ours.has(i.projectCode));
      if (JSON.stringify(inbox.map((i) => [i.projectCode, i.stageId, i.kind, i.status])) === JSON.stringify(expected) || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(inbox.map((i) => [i.projectCode, i.stageId, i.kind, i.status])).toEqual(expected);

    const now = new Date();
    const [fuItem, soonItem, laterItem, retItem] = inbox;
    expect(fuItem).toMatchObject({ department: 'zjj', deadlineDate: fu.followUp!.dueDate, deadline: fu.followUp!.due, projectName: followUp.project.name });
    for (const i of [fuItem!, soonItem!, laterItem!]) expect(i.workingDaysLeft).toBe(workingDaysBetween(now, i.deadlineDate));
    expect(retItem!.workingDaysLeft).toBe(workingDaysBetween(ret.at, retItem!.deadlineDate));
    expect(Date.parse(fuItem!.deadline)).toBeLessThan(Date.parse(soonItem!.deadline));
    expect(Date.parse(soonItem!.deadline)).toBeLessThan(Date.parse(laterItem!.deadline));

    // Another department sees only its own: fgw has `later` (limit 2) and `other` (limit 1).
    const fgw = (await departmentInbox(h, 'fgw')).filter((i) => ours.has(i.projectCode));
    expect(fgw.map((i) => i.projectCode)).toEqual([other.project.code, later.project.code]);

    const assigned = await readEvents(TOPICS.reviews, (es) => es.length >= 2, {
      filter: (e) => e.subject === soon.project.code && e.type === 'cn.keyflow.review.taskAssigned',
    });
    expect(assigned.map((e) => (e.data as { department: string }).department).sort()).toEqual(['zjj', 'zrzy']);
  });

  it('refuses an unknown department before asking visibility anything', async () => {
    const err = await departmentInbox(h, "zjj' OR KeyflowKind = 'project").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyflowError);
    expect((err as KeyflowError).type).toBe('ValidationFailed');
    expect((await departmentInbox(h, 'nosuch').catch((e: unknown) => e)) as KeyflowError).toMatchObject({ type: 'ValidationFailed', message: 'department: unknown department "nosuch"' });
  });
});
