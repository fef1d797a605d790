import { KeyflowError } from '../../client/errors';
import { getProjectState, registerProject, reportProgress, transitionProject } from '../../client/projects';
import { shanghaiDate } from '../../domain/calendar';
import { TOPICS } from '../../schemas/topics';
import { readEvents, startHarness, E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';

describe('refusals leave a project exactly as it was', () => {
  let h: E2EHarness;
  beforeAll(async () => {
    h = await startHarness('refusals');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const refusal = async (p: Promise<unknown>): Promise<KeyflowError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeyflowError);
    return err as KeyflowError;
  };

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
    const project = aProject({ stage: 'underConstruction', category: 'continuing', annualPlannedInvestment: 1200 });
    await registerProject(h, project, 'test');
    const month = shanghaiDate(new Date()).slice(0, 7);
    const good = { requestId: `good-${project.code}`, month, investmentThisMonth: 100, investmentToDate: 1000, physicalProgress: 60, actor: { by: 'owner' } };
    await reportProgress(h, project.code, good);
    const before = await getProjectState(h, project.code);

    const negative = await refusal(reportProgress(h, project.code, { ...good, requestId: 'neg-amount-1', investmentThisMonth: -5 }));
    expect(negative).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'investmentThisMonth', rule: 'must not be negative' }] });

    const silentOverwrite = await refusal(reportProgress(h, project.code, { ...good, requestId: 'overwrite-1', investmentToDate: 1100 }));
    expect(silentOverwrite).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'correctionReason' }] });

    const future = await refusal(reportProgress(h, project.code, { ...good, requestId: 'future-month-1', month: '2099-01' }));
    expect(future.issues[0]?.field).toBe('month');

    expect(await getProjectState(h, project.code)).toEqual(before);

    // The same request again returns the first answer and publishes nothing new.
    const again = await reportProgress(h, project.code, good);
    expect(again.month).toBe(month);
    const correction = await reportProgress(h, project.code, { ...good, requestId: `fix-${project.code}`, investmentToDate: 1050, correctionReason: '补录设备采购款' });
    expect(correction.correction).toBe(true);
    const events = await readEvents(TOPICS.projects, (es) => es.length >= 3, { filter: (e) => e.subject === project.code });
    expect(events.map((e) => e.type)).toEqual([
      'cn.keyflow.project.registered',
      'cn.keyflow.project.progressReported',
      'cn.keyflow.project.progressReported',
    ]);
    const state = await getProjectState(h, project.code);
    expect(state.reports).toHaveLength(1);
    expect(state.reports[0]?.corrections).toMatchObject([{ reason: '补录设备采购款', previous: { investmentToDate: 1000 } }]);
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
