/**
 * The project lifecycle hands preliminary work to joint review (联审联批): entering 前期 starts
 * the first review stage; each approved stage starts the next; construction cannot start until
 * every stage before construction is approved. Completion (竣工) starts joint completion
 * acceptance, and production (投产) waits for it.
 */
import { actOnTask, getReviewState } from '../../client/reviews';
import { getProjectState, registerProject, transitionProject } from '../../client/projects';
import { STAGES_BEFORE_CONSTRUCTION } from '../../schemas/jointReview';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { calendarWithSynthetic2027 } from '../support/calendars';
import { aProject } from '../support/fixtures';
import { eventually, reviewTestEnv, ReviewTestEnv } from './jointReviewHarness';

const jointReview = loadJointReviewConfig();

describe('lifecycle and joint review', () => {
  let t: ReviewTestEnv;
  beforeAll(async () => {
    t = await reviewTestEnv({ calendar: calendarWithSynthetic2027() });
  });
  afterAll(async () => {
    await t?.teardown();
  });

  it('reviews the three stages in order and holds construction back until all are approved', async () => {
    await t.run(async () => {
      const ctx = { client: t.client, taskQueue: t.taskQueue, jointReviewConfig: jointReview };
      const project = aProject({ stage: 'reserve', category: 'preliminary' });
      const code = project.code;
      await registerProject(ctx, project, 'test');
      expect((await getProjectState(ctx, code)).approvals).toEqual({ landUsePlanning: 'notStarted', engineeringPermit: 'notStarted', constructionPermit: 'notStarted' });

      await transitionProject(ctx, code, { requestId: 'to-prelim-1', to: 'preliminary', actor: { by: 'fgw:li' } });
      let n = 0;
      for (const stageId of STAGES_BEFORE_CONSTRUCTION) {
        // Construction is refused while any stage is still open, naming what is missing.
        await expect(transitionProject(ctx, code, { requestId: `too-early-${++n}`, to: 'started', actor: { by: 'owner' } })).rejects.toMatchObject({
          type: 'ApprovalsIncomplete',
          message: expect.stringContaining(stageId),
        });
        const review = await eventually(() => getReviewState(ctx, code, stageId).catch(() => undefined), `review ${stageId} started`);
        expect(review.tasks.map((task) => task.department).sort()).toEqual(
          jointReview.stages.find((s) => s.id === stageId)!.participants.map((p) => p.department).sort(),
        );
        await t.sleepUntil(new Date((await t.now()).getTime() + 2 * 24 * 3600 * 1000));
        for (const task of review.tasks) {
          await actOnTask(ctx, code, stageId, {
            requestId: `approve-${stageId}-${task.department}`,
            department: task.department,
            actor: { by: `${task.department}:reviewer`, department: task.department },
            action: 'approve',
          });
        }
        await eventually(async () => (await getProjectState(ctx, code)).approvals[stageId] === 'approved', `${stageId} approved in the project`);
      }
      await expect(transitionProject(ctx, code, { requestId: 'start-construction-1', to: 'started', actor: { by: 'owner' } })).resolves.toMatchObject({ stage: 'started' });
      // Each review publishes its own completion (its outbox may trail the signal to the project).
      const completed = () => t.publisher.events.filter((e) => e.type === 'cn.keyflow.review.stageCompleted' && e.subject === code);
      await eventually(() => completed().length === STAGES_BEFORE_CONSTRUCTION.length, 'stageCompleted events');
      expect(completed().map((e) => (e.data as { stageId: string }).stageId)).toEqual([...STAGES_BEFORE_CONSTRUCTION]);

      // Completion (竣工) starts joint completion acceptance; production waits for it.
      await transitionProject(ctx, code, { requestId: 'build-0001', to: 'underConstruction', actor: { by: 'owner' } });
      await transitionProject(ctx, code, { requestId: 'complete-0001', to: 'completed', actor: { by: 'owner' } });
      const acceptance = await eventually(() => getReviewState(ctx, code, 'completionAcceptance').catch(() => undefined), 'completion acceptance started');
      expect((await getProjectState(ctx, code)).approvals.completionAcceptance).toBe('inReview');
      await expect(transitionProject(ctx, code, { requestId: 'produce-too-early', to: 'inProduction', actor: { by: 'owner' } })).rejects.toMatchObject({
        type: 'ApprovalsIncomplete',
        message: expect.stringContaining('completionAcceptance'),
      });
      expect((await getProjectState(ctx, code)).stage).toBe('completed');
      for (const task of acceptance.tasks) {
        await actOnTask(ctx, code, 'completionAcceptance', {
          requestId: `accept-${task.department}`,
          department: task.department,
          actor: { by: `${task.department}:reviewer`, department: task.department },
          action: 'approve',
        });
      }
      await eventually(async () => (await getProjectState(ctx, code)).approvals.completionAcceptance === 'approved', 'acceptance approved in the project');
      await expect(transitionProject(ctx, code, { requestId: 'produce-0001', to: 'inProduction', actor: { by: 'owner' } })).resolves.toMatchObject({ stage: 'inProduction' });
    });
  });

  it('leaves completion acceptance of a project registered after its approvals to whoever gave them', async () => {
    const own = await reviewTestEnv(); // a worker runs once: this test needs its own
    try {
      await own.run(async () => {
      const ctx = { client: own.client, taskQueue: own.taskQueue, jointReviewConfig: jointReview };
      const project = aProject({ stage: 'underConstruction', category: 'continuing' });
      await registerProject(ctx, project, 'test');
      await transitionProject(ctx, project.code, { requestId: 'c-complete-0001', to: 'completed', actor: { by: 'owner' } });
      await expect(transitionProject(ctx, project.code, { requestId: 'c-produce-0001', to: 'inProduction', actor: { by: 'owner' } })).resolves.toMatchObject({ stage: 'inProduction' });
      expect((await getProjectState(ctx, project.code)).approvals).toEqual({});
      });
    } finally {
      await own.teardown();
    }
  });
});
