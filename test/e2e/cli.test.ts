/**
 * The `keyflow` command line as a user runs it: the BUILT binary (`node bin/keyflow.js`, from
 * dist/, which scripts/test.sh builds before jest) against the real dev server, with a worker of
 * this file's own task queue. Output with --json is parsed and checked; exit codes are the ones
 * scripts rely on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startReviewStage } from '../../client/reviews';
import { ImportReport } from '../../schemas/importProjects';
import { InboxItem, type ReviewStageInput } from '../../schemas/jointReview';
import { ProjectState } from '../../schemas/lifecycle';
import { loadCalendar } from '../../seeds/holidays';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { reviewStageInput } from '../../workflows/review/messages';
import { cliEnv, keyflow, ROOT, type Run } from '../support/cli';
import { startServiceApi, type ServiceApi } from '../support/apiHarness';
import { startHarness, type E2EHarness } from '../support/e2e';




/** Visibility trails changes by a moment: retry a command (bounded) until its answer satisfies `ok`. */
async function settle(run: () => Promise<Run>, ok: (r: Run) => boolean, ms = 30_000): Promise<Run> {
  const until = Date.now() + ms;
  let r = await run();
  while (!ok(r) && Date.now() < until) {
    await new Promise((res) => setTimeout(res, 300));
    r = await run();
  }
  return r;
}

/**
 * Project codes no other test file on the shared server uses: industry segment 97 (the fixtures
 * use 13) and a random block of serials, in 临颍 411122.
 */
const base = Math.floor(Math.random() * 999_000);
const codeOf = (i: number) => `2026-411122-97-03-${String(base + i).padStart(6, '0')}`;

const HEADER = '序号,项目代码,项目名称,项目单位,县区,行业,类别,总投资（万元）,年度计划投资（万元）,计划开工,计划竣工,分包市领导,牵头部门,联系人,联系电话,阶段';
function line(n: number, code: string, overrides: { total?: string; county?: string; stage?: string; category?: string } = {}): string {
  const o = { total: '"120,000"', county: '临颍县', stage: '新开工', category: '新开工', ...overrides };
  return [n, code, `临颍县食品产业园项目${n}`, '漯河某某食品有限公司', o.county, '饮料', o.category, o.total, '60000', '2026/1/15', '2027年6月', '副市长 王某', '发展和改革委员会', '李某', '13903950001', o.stage].join(',');
}

describe('the keyflow command line (built binary)', () => {
  let h: E2EHarness;
  let env: NodeJS.ProcessEnv;
  let tmp: string;
  let api: ServiceApi;
  /** The environment of a department's person: the acting commands go through the API with its token. */
  const as = (who: 'fgw' | 'zjj') => ({ ...env, KEYFLOW_TOKEN: api.tokens.get(who) });

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: the CLI tests run the built binary — run `npm run build` (scripts/test.sh does) first');
    }
    h = await startHarness('cli');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-cli-'));
    api = await startServiceApi('cli', h, ['fgw', 'zjj']);
    env = { ...cliEnv({ taskQueue: h.taskQueue, stateDir: path.join(tmp, 'state') }), KEYFLOW_API_URL: api.api.url };
  });
  afterAll(async () => {
    await api?.stop();
    await h?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers calendar questions offline, with exit 2 and the rule on bad input', async () => {
    // No server anywhere: no TEMPORAL_ADDRESS, an empty state folder.
    const offline = { PATH: process.env.PATH, HOME: process.env.HOME, KEYFLOW_STATE_DIR: path.join(tmp, 'nothing-here') };
    const cal = loadCalendar();

    const nationalDay = await keyflow(['calendar', 'is-working-day', '2026-10-01'], offline);
    expect(nationalDay).toEqual({ code: 0, stdout: 'false\n', stderr: '' });
    const wednesday = await keyflow(['calendar', 'is-working-day', '2026-09-30'], offline);
    expect(wednesday).toEqual({ code: 0, stdout: 'true\n', stderr: '' });
    const added = await keyflow(['calendar', 'add-working-days', '2026-09-30', '1'], offline);
    expect(added).toMatchObject({ code: 0, stdout: `${cal.addWorkingDays('2026-09-30', 1)}\n` });
    expect(added.stdout).toBe('2026-10-08\n'); // over the National Day holiday

    const badDate = await keyflow(['calendar', 'is-working-day', '2026-02-30'], offline);
    expect(badDate.code).toBe(2);
    expect(badDate.stdout).toBe('');
    expect(badDate.stderr).toContain('DATE: must be a real calendar date');
    const noData = await keyflow(['calendar', 'add-working-days', '2031-03-02', '5'], offline);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toContain('UnknownHolidayYear: No State Council holiday arrangement on record for 2031');
    const badN = await keyflow(['calendar', 'add-working-days', '2026-03-02', 'five'], offline);
    expect(badN.code).toBe(2);
    expect(badN.stderr).toContain('N: must be a whole number of working days');

    // Commands that need a server say there is none: exit 5.
    const list = await keyflow(['projects', 'list'], offline);
    expect(list.code).toBe(5);
    expect(list.stderr).toContain('no Temporal to talk to');
  });

  it('imports the good rows of a CSV and reports each bad one with its line and reason; lists and shows them', async () => {
    const file = path.join(tmp, '重点项目.csv');
    const csv = [
      '2026年临颍县重点项目计划表',
      HEADER,
      line(1, codeOf(1)),
      line(2, codeOf(2), { total: 'abc' }),
      line(3, codeOf(3)),
      line(4, codeOf(4), { county: '许昌县' }),
      line(5, codeOf(5), { stage: '谋划', category: '前期' }),
      '合计,,,,,,,"600,000"',
    ].join('\r\n');
    fs.writeFileSync(file, `\ufeff${csv}\r\n`);

    const run = await keyflow(['import', 'projects', file, '--json', '--as', 'import:e2e'], env);
    expect(run.code).toBe(2); // some rows refused
    const report = ImportReport.parse(JSON.parse(run.stdout));
    expect(report).toMatchObject({ outcome: 'partial', mode: 'partial', rows: 5, good: 3, encoding: 'utf-8', headerLine: 2, checkedRegistered: true });
    expect(report.imported).toEqual([1, 3, 5].map((i) => ({ line: i + 2, code: codeOf(i), workflowId: `project-${codeOf(i)}` })));
    expect(report.refused).toEqual([
      { line: 4, code: codeOf(2), issues: [{ field: 'totalInvestment', column: '总投资（万元）', rule: 'must be a number (万元), got "abc"' }] },
      { line: 6, code: codeOf(4), issues: [{ field: 'county', column: '县区', rule: expect.stringContaining('unknown county "许昌县"') }] },
    ]);

    // Listed (visibility trails a moment) and shown, as JSON.
    const listed = await settle(
      () => keyflow(['projects', 'list', '--county', '临颍县', '--json'], env),
      (r) => r.code === 0 && [1, 3, 5].every((i) => r.stdout.includes(codeOf(i))),
    );
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ code: string; stage: string; county: string; warning: string; stalled: boolean }>;
    const ours = rows.filter((r) => [1, 3, 5].some((i) => r.code === codeOf(i)));
    expect(ours).toEqual([
      expect.objectContaining({ code: codeOf(1), stage: 'started', county: '411122', warning: 'green', stalled: false }),
      expect.objectContaining({ code: codeOf(3), stage: 'started', county: '411122' }),
      expect.objectContaining({ code: codeOf(5), stage: 'conceived', county: '411122' }),
    ]);
    // Names in the listing, and the table shows them; a warning colour typed in Chinese (绿) is taken.
    const names = (ours as Array<{ name?: string }>).map((r) => r.name);
    expect(names.every((n) => typeof n === 'string' && n.length >= 2)).toBe(true);
    const named = await keyflow(['projects', 'list', '--county', '临颍县', '--warning', '绿'], env);
    expect(named.code).toBe(0);
    expect(named.stdout).toContain(names[0]!);
    expect(named.stdout.split('\n')[0]).toMatch(/^CODE +NAME +STAGE/);
    const conceived = await settle(
      () => keyflow(['projects', 'list', '--stage', 'conceived', '--json'], env),
      (r) => r.stdout.includes(codeOf(5)),
    );
    expect((JSON.parse(conceived.stdout) as Array<{ code: string; stage: string }>).every((p) => p.stage === 'conceived')).toBe(true);

    const shown = await keyflow(['project', 'show', codeOf(1), '--json'], env);
    expect(shown.code).toBe(0);
    const state = ProjectState.parse(JSON.parse(shown.stdout));
    expect(state.project).toMatchObject({
      code: codeOf(1),
      name: '临颍县食品产业园项目1',
      county: '411122',
      industry: 'food-beverage',
      totalInvestment: 120000,
      plannedCompletion: '2027-06-30',
      leadDepartment: 'fgw',
    });
    expect(state.stage).toBe('started');

    const table = await keyflow(['project', 'show', codeOf(1)], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('临颍县 (411122)');

    // The same file again: every row is now refused, the good ones as already registered.
    const again = await keyflow(['import', 'projects', file, '--json'], env);
    expect(again.code).toBe(2);
    const second = ImportReport.parse(JSON.parse(again.stdout));
    expect(second.imported).toEqual([]);
    expect(second.refused.filter((r) => r.issues.some((i) => i.rule === 'is already registered')).map((r) => r.line)).toEqual([3, 5, 7]);
  });

  it('imports none in all-or-nothing mode when a row is bad, and all when every row is good', async () => {
    const bad = path.join(tmp, 'all-or-nothing.csv');
    fs.writeFileSync(bad, [HEADER, line(1, codeOf(11)), line(2, codeOf(12), { total: '-1' }), line(3, codeOf(13))].join('\n'));
    const run = await keyflow(['import', 'projects', bad, '--all-or-nothing', '--json'], env);
    expect(run.code).toBe(2);
    const report = ImportReport.parse(JSON.parse(run.stdout));
    expect(report).toMatchObject({ outcome: 'refused', mode: 'allOrNothing', imported: [] });
    expect(report.refused.map((r) => [r.line, r.code])).toEqual([[3, codeOf(12)]]);
    expect(report.notImported.map((r) => r.code)).toEqual([codeOf(11), codeOf(13)]);
    for (const i of [11, 13]) {
      const shown = await keyflow(['project', 'show', codeOf(i)], env);
      expect(shown.code).toBe(3);
      expect(shown.stderr).toContain(`no such project ${codeOf(i)}`);
    }

    // The human-readable report names the line, column and rule.
    const dry = await keyflow(['import', 'projects', bad, '--dry-run'], env);
    expect(dry.code).toBe(2);
    expect(dry.stdout).toMatch(/dry run: 2 good, 1 refused; nothing imported/);
    expect(dry.stdout).toMatch(/\n\s*3\s+2026-411122-97-03-\d{6}\s+totalInvestment\s+总投资（万元）\s+must not be negative\n/);

    const good = path.join(tmp, 'all-good.csv');
    fs.writeFileSync(good, [HEADER, line(1, codeOf(21)), line(2, codeOf(22))].join('\n'));
    const ok = await keyflow(['import', 'projects', good, '--all-or-nothing', '--json'], env);
    expect(ok.code).toBe(0);
    expect(ImportReport.parse(JSON.parse(ok.stdout)).imported.map((r) => r.code)).toEqual([codeOf(21), codeOf(22)]);
  });

  it('moves a project with exit 4 for a refused transition', async () => {
    const file = path.join(tmp, 'one.csv');
    fs.writeFileSync(file, [HEADER, line(1, codeOf(31))].join('\n'));
    expect((await keyflow(['import', 'projects', file], env)).code).toBe(0);

    const skip = await keyflow(['project', 'transition', codeOf(31), '--to', 'inProduction', '--json'], as('fgw'));
    expect(skip.code).toBe(4);
    expect(JSON.parse(skip.stderr)).toMatchObject({ error: { exitCode: 4, type: 'IllegalTransition', message: expect.stringContaining('cannot skip') } });

    const moved = await keyflow(['project', 'transition', codeOf(31), '--to', 'underConstruction', '--json'], as('fgw'));
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ stage: 'underConstruction' });

    const badStage = await keyflow(['project', 'transition', codeOf(31), '--to', 'finished'], env);
    expect(badStage.code).toBe(2);
    expect(badStage.stderr).toContain('--to: must be one of conceived, reserve');
  });

  it("lists a department's inbox as JSON", async () => {
    const config = loadJointReviewConfig();
    const input: ReviewStageInput = reviewStageInput(
      { code: codeOf(41), name: '临颍县冷链物流园项目', county: '411122', leadDepartment: 'fgw' },
      config,
      'engineeringPermit',
      'xzsp:e2e',
    );
    input.stage = { ...input.stage, limitWorkingDays: 5, participants: [{ department: 'zjj', limitWorkingDays: 5, matter: '建设工程规划审查' }] };
    await startReviewStage(h, input);

    const run = await settle(
      () => keyflow(['inbox', '住房和城乡建设局', '--json'], env),
      (r) => r.code === 0 && r.stdout.includes(codeOf(41)),
    );
    expect(run.code).toBe(0);
    const items = (JSON.parse(run.stdout) as unknown[]).map((i) => InboxItem.parse(i));
    expect(items.find((i) => i.projectCode === codeOf(41))).toMatchObject({
      projectName: '临颍县冷链物流园项目',
      stageId: 'engineeringPermit',
      department: 'zjj',
      kind: 'task',
      status: 'open',
    });

    const unknown = await keyflow(['inbox', 'nosuch', '--json'], env);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr)).toMatchObject({ error: { exitCode: 2, message: expect.stringContaining('unknown department "nosuch"') } });
  });

  it('lets a department act on its task the moment the review starts: named rule on bad input, repeats answered once, exit 4 when closed', async () => {
    const config = loadJointReviewConfig();
    const input: ReviewStageInput = reviewStageInput(
      { code: codeOf(42), name: '临颍县休闲食品产业园项目', county: '411122', leadDepartment: 'fgw' },
      config,
      'engineeringPermit',
      'xzsp:e2e',
    );
    input.stage = {
      ...input.stage,
      limitWorkingDays: 5,
      participants: [
        { department: 'zjj', limitWorkingDays: 5, matter: '建设工程规划审查' },
        { department: 'zrzy', limitWorkingDays: 5, matter: '建设工程规划许可证' },
      ],
    };
    await startReviewStage(h, input);

    const noReason = await keyflow(['task', 'act', codeOf(42), 'engineeringPermit', 'zjj', '--action', 'reject', '--json'], as('zjj'));
    expect(noReason.code).toBe(2);
    expect(JSON.parse(noReason.stderr)).toMatchObject({ error: { exitCode: 2, message: expect.stringContaining('--reason') } });

    const act = ['task', 'act', codeOf(42), '工程建设许可', '住房和城乡建设局', '--action', 'approve', '--request-id', `cli-act-${codeOf(42)}`, '--json'];
    const first = await keyflow(act, as('zjj'));
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({ department: 'zjj', action: 'approve', taskStatus: 'approved', late: false, stageStatus: 'inReview' });
    const again = await keyflow(act, as('zjj'));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(result);

    const closed = await keyflow(['task', 'act', codeOf(42), 'engineeringPermit', 'zjj', '--action', 'approve', '--json'], as('zjj'));
    expect(closed.code).toBe(4);
    expect(JSON.parse(closed.stderr)).toMatchObject({ error: { exitCode: 4, type: 'TaskClosed' } });
  });

  it('names the rule for a bad week and exits 3 for a week without a meeting', async () => {
    const bad = await keyflow(['agenda', '--week', '2026-W99'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--week: must be an ISO week');
    const none = await keyflow(['agenda', '--week', '2020-W02', '--json'], env);
    expect(none.code).toBe(3);
    expect(JSON.parse(none.stderr)).toMatchObject({ error: { exitCode: 3, type: 'MeetingNotFound' } });
  });

  it('exits 2 on bad usage, 3 on an unknown project, 5 when Temporal cannot be reached', async () => {
    const unknownOption = await keyflow(['projects', 'list', '--colour', 'red'], env);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("Unknown option '--colour'");
    expect((await keyflow(['project', 'show'], env)).stderr).toContain('project show: missing CODE');
    expect((await keyflow(['frobnicate'], env)).code).toBe(2);
    const badWarning = await keyflow(['projects', 'list', '--warning', 'purple', '--json'], env);
    expect(badWarning.code).toBe(2);
    expect(JSON.parse(badWarning.stderr).error.message).toBe('--warning: must be one of green, yellow, red; got "purple"');
    const badCode = await keyflow(['project', 'show', '2026-41-13'], env);
    expect(badCode.code).toBe(2);
    expect(badCode.stderr).toContain('CODE: must be a national project code');
    expect((await keyflow(['project', 'show', codeOf(99)], env)).code).toBe(3);

    const down = await keyflow(['projects', 'list'], { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(down.code).toBe(5);
    expect(down.stderr).toContain('cannot reach Temporal at 127.0.0.1:1');
  });
});
