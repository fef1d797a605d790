import { getProjectState, registerProject, transitionProject } from '../../client/projects';
import { TOPICS } from '../../schemas/topics';
import { readEvents, startHarness, E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';
import { reportRefusalsScenario } from '../support/reportRefusals';
import { refusal } from '../support/refusal';

describe('refusals leave a project exactly as it was', () => {
  let h: E2EHarness;
  beforeAll(async () => {
    h = await startHarness('refusals');
  });
  afterAll(async () => {
    await h?.stop();
  });


  it('refuses illegal transitions with the current stage and the allowed next ones', async () => {
    const project = aProject({ stage: 'conceived', category: 'preliminary' });
    await registerProject(h, project, 'test');
    const before = await getProjectState(h, project.code);

    const skip = await refusal(transitionProject(h, project.code, { requestId: 'skip-ahead-1', to: 'started', actor: { by: 'fgw:li' } }));
    expect(skip.type).toBe('IllegalTransition');
    expect(skip.message).toContain('conceived (谋划)');
    expect(skip.message).toContain('reserve (储备)');

    const noReason = await refusal(transitionProject(h, project.code, { requestId: 'withdraw-no-reason', to: 'withdrawn', actor: { by: 'fgw:li' } }));
    expect(noReason.message).toMatch(/needs a reason/);

    const badStage = await refusal(transitionProject(h, project.code, { requestId: 'bad-stage-1', to: 'finished' as never, actor: { by: 'fgw:li' } }));
    expect(badStage).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'to' }] });

    expect(await getProjectState(h, project.code)).toEqual(before);
  });

  it('refuses malformed and inconsistent reports, naming the field, and changes nothing', async () => {
    // Runs at the real now (the dev server's clock cannot be pinned): the warning events are
    // derived from this month; test/unit/pinnedInstants.test.ts runs the same at fixed instants.
    await reportRefusalsScenario(h, new Date(), async (code, n) =>
      (await readEvents(TOPICS.projects, (es) => es.length >= n, { filter: (e) => e.subject === code })).map((e) => e.type),
    );
  });

  it('refuses everything on a closed project, naming its stage', async () => {
    const project = aProject({ stage: 'completed', category: 'continuing' });
    await registerProject(h, project, 'test');
    await transitionProject(h, project.code, { requestId: `prod-${project.code}`, to: 'inProduction', actor: { by: 'owner' } });
    const closed = await refusal(transitionProject(h, project.code, { requestId: `back-${project.code}`, to: 'completed', reason: '补充验收', actor: { by: 'owner' } }));
    expect(closed.type).toBe('ProjectClosed');
    expect(closed.message).toContain('inProduction');
  });
});
