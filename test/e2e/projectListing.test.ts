import { KeyflowError } from '../../client/errors';
import { listProjects, registerProject, reportProgress } from '../../client/projects';
import { shanghaiDate } from '../../domain/calendar';
import { loadDemoProjects } from '../../seeds';
import { startHarness, E2EHarness } from '../support/e2e';

/** Visibility trails updates by a moment: poll (bounded) until the listing settles. */
async function settle<T>(read: () => Promise<T>, ok: (t: T) => boolean, attempts = 60): Promise<T> {
  let last = await read();
  for (let i = 0; i < attempts && !ok(last); i++) {
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

describe('listing projects through Temporal visibility', () => {
  let h: E2EHarness;
  beforeAll(async () => {
    h = await startHarness('listing');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers "all red projects in 临颍县" with exactly the expected projects', async () => {
    const projects = loadDemoProjects();
    for (const p of projects) {
      await registerProject(h, p, 'seed').catch((err: unknown) => {
        if (!(err instanceof KeyflowError && err.type === 'ProjectAlreadyRegistered')) throw err;
      });
    }
    // Last December's report, against which 1 % of the annual plan is far behind (red) and the
    // whole plan is on track (green).
    const december = `${Number(shanghaiDate(new Date()).slice(0, 4)) - 1}-12`;
    const homeFurnishing = projects.find((p) => p.name.startsWith('临颍现代家居'))!;
    const snackPark = projects.find((p) => p.name.startsWith('临颍休闲食品'))!;
    const ammonia = projects.find((p) => p.name.startsWith('舞阳金大地'))!;
    const send = (code: string, plan: number, share: number) =>
      reportProgress(h, code, {
        requestId: `listing-${code}`,
        month: december,
        investmentThisMonth: Math.round(plan * share * 0.1),
        investmentToDate: Math.round(plan * share),
        physicalProgress: 50,
        actor: { by: 'owner' },
      });
    expect((await send(homeFurnishing.code, homeFurnishing.annualPlannedInvestment, 0.01)).warning).toBe('red');
    expect((await send(snackPark.code, snackPark.annualPlannedInvestment, 1)).warning).toBe('green');
    expect((await send(ammonia.code, ammonia.annualPlannedInvestment, 0.01)).warning).toBe('red');

    const redInLinying = await settle(
      () => listProjects(h, { warning: 'red', county: '411122' }),
      (l) => l.length === 1,
    );
    expect(redInLinying.map((p) => p.code)).toEqual([homeFurnishing.code]);
    expect(redInLinying[0]).toMatchObject({ county: '411122', warning: 'red', stalled: false });

    const allRed = await settle(() => listProjects(h, { warning: 'red' }), (l) => l.length === 2);
    expect(allRed.map((p) => p.code)).toEqual([homeFurnishing.code, ammonia.code].sort());

    const inProduction = await listProjects(h, { stage: 'inProduction' });
    expect(inProduction.map((p) => p.code)).toEqual(projects.filter((p) => p.stage === 'inProduction').map((p) => p.code).sort());
    expect(await listProjects(h, { stalled: true })).toEqual([]);
  });

  it('refuses a bad filter, naming the field', async () => {
    await expect(listProjects(h, { warning: 'purple' as never })).rejects.toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'filter.warning' }] });
  });
});
