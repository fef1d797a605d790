/**
 * Which months a 四比四看 check may rank (domain/checkPeriod.ts), at injected instants — never the
 * day the test runs — and how records kept by older versions are read (StoredCheckRecord).
 */
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main';
import type { Io } from '../../cli/output';
import { checkPeriodRefusal, FIRST_CHECK_YEAR, latestCheckablePeriod } from '../../domain/checkPeriod';
import { runFourCompare } from '../../domain/fourCompare';
import { HOLIDAY_ARRANGEMENTS } from '../../domain/calendar';
import { ProjectFacts } from '../../schemas/fourCompare';
import { CheckRecord, StoredCheckRecord } from '../../schemas/rankings';
import type { County } from '../../schemas/reference';
import { loadFourCompareConfig } from '../../seeds/rankingConfig';

const cst = (local: string) => new Date(`${local}+08:00`);

describe('the period of a check', () => {
  const now = cst('2026-12-01T09:00:00');

  it('starts with the first year of the calendar data, 2020', () => {
    expect(FIRST_CHECK_YEAR).toBe(2020);
    expect(FIRST_CHECK_YEAR).toBe(HOLIDAY_ARRANGEMENTS[0]!.year);
  });

  it('accepts every month that has ended, from 2020-01 to the previous month', () => {
    for (const p of ['2020-01', '2024-06', '2025-12', '2026-11']) expect(checkPeriodRefusal(p, now)).toBeNull();
    expect(latestCheckablePeriod(now)).toBe('2026-11');
  });

  it('refuses the month in progress and later months with MonthNotClosed, naming period and the rule', () => {
    expect(checkPeriodRefusal('2026-12', now)).toEqual({
      type: 'MonthNotClosed',
      field: 'period',
      rule: '2026-12 is the month in progress: a month can be checked once it has ended (from 2027-01-01 00:00 Asia/Shanghai); the latest month that can be checked now is 2026-11',
    });
    expect(checkPeriodRefusal('2027-01', now)).toMatchObject({ type: 'MonthNotClosed', field: 'period', rule: expect.stringContaining('2027-01 has not begun') });
  });

  it('refuses a malformed month or one before 2020 as ValidationFailed', () => {
    for (const p of ['0000-01', '2019-05', '2019-12']) {
      expect(checkPeriodRefusal(p, now)).toEqual({
        type: 'ValidationFailed',
        field: 'period',
        rule: `${p} is before keyflow's data; the month must be from 2020-01 (the first year of keyflow's calendar data) to 2026-11 (the last month that has ended, Asia/Shanghai)`,
      });
    }
    for (const p of ['2026-13', '2026-1', '', 202611, null]) expect(checkPeriodRefusal(p, now)).toMatchObject({ type: 'ValidationFailed', field: 'period', rule: expect.stringMatching(/^must be a month written YYYY-MM/) });
  });

  it('counts the month in Asia/Shanghai: at 00:30 on the 1st in Shanghai (still the last day in UTC) the previous month has ended', () => {
    const justAfter = cst('2026-12-01T00:30:00');
    expect(justAfter.toISOString().slice(0, 10)).toBe('2026-11-30');
    expect(checkPeriodRefusal('2026-11', justAfter)).toBeNull();
    const justBefore = cst('2026-11-30T23:59:00');
    expect(checkPeriodRefusal('2026-11', justBefore)).toMatchObject({ type: 'MonthNotClosed' });
    // Across the year: on 1 January the December just ended can be checked.
    expect(checkPeriodRefusal('2026-12', cst('2027-01-01T00:00:00'))).toBeNull();
    expect(latestCheckablePeriod(cst('2027-01-05T09:00:00'))).toBe('2026-12');
  });
});

describe('the CLI refuses a month it may not check before connecting', () => {
  function fakeIo(): Io & { err: () => string } {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d) => (err += String(d)));
    return { stdout, stderr, env: { KEYFLOW_STATE_DIR: '/nonexistent/keyflow-test' }, err: () => err };
  }

  // Periods whose answer is the same on any day the test runs: before 2020, malformed, far future.
  it.each([
    ['2019-12', 2, 'UsageError'],
    ['2026-13', 2, 'UsageError'],
    ['9999-01', 4, 'MonthNotClosed'],
  ])('--period %s exits %i (%s), naming period', async (period, code, type) => {
    const io = fakeIo();
    expect(await main(['check', 'run', '--period', period, '--json'], io)).toBe(code);
    expect(JSON.parse(io.err())).toMatchObject({ error: { exitCode: code, type, message: expect.stringContaining('--period: ') } });
  });
});

describe('check records kept by older versions', () => {
  const counties: County[] = [
    { id: '411102', name: '源汇区', nameEn: 'Yuanhui District', kind: 'district' },
    { id: '411122', name: '临颍县', nameEn: 'Linying County', kind: 'county' },
  ];
  const config = loadFourCompareConfig();
  const fact = ProjectFacts.parse({
    code: '2026-411122-13-03-000001', county: '411122', stage: 'started', signed: true, landed: true, plannedStartThisYear: true,
    startedThisYear: true, physicalProgress: 30, annualPlannedInvestment: 1000, investmentCompletedThisYear: 100, fundsInPlace: 100,
    approvalTasksClosed: 0, approvalTasksOnTime: 0, approvalWorkingDaysUsed: 0, approvalWorkingDaysAllowed: 0,
  });
  const record = (result: unknown) => ({ checkId: 'four-compare-2026-10', period: '2026-10', completedAt: '2026-11-05T01:00:00.000Z', result, reports: { html: '/r/a.html', csv: '/r/a.csv' } });
  const current = runFourCompare(config, counties, [fact], '2026-10');

  /** What older versions recorded: only the metrics the pairs used, and no noData flag. */
  function legacy(result: typeof current) {
    const { noData: _noData, ...rest } = result;
    const used = ['signedCount', 'landingRate', 'startRate', 'physicalProgressAvg', 'investmentCompletionRate', 'fundsInPlaceRate', 'onTimeApprovalRate', 'approvalSpeed'];
    return { ...rest, counties: rest.counties.map((l) => ({ ...l, metrics: Object.fromEntries(used.map((m) => [m, l.metrics[m as keyof typeof l.metrics]])) })) };
  }

  it('today’s records pass unchanged', () => {
    expect(StoredCheckRecord.parse(record(current))).toEqual(CheckRecord.parse(record(current)));
  });

  it('fails the current schema as it was kept (the cause of the answers not matching their schema)', () => {
    const r = CheckRecord.safeParse(record(legacy(current)));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['result.noData', 'result.counties.0.metrics.landedCount', 'result.counties.0.metrics.startedCount', 'result.counties.0.metrics.investmentCompleted']),
    );
  });

  it('reads a kept record with data: the metrics it did not record are null, noData false', () => {
    const read = StoredCheckRecord.parse(record(legacy(current)));
    expect(read.result.noData).toBe(false);
    const line = read.result.counties.find((l) => l.county === '411122')!;
    expect(line.metrics).toEqual({ ...current.counties.find((l) => l.county === '411122')!.metrics, landedCount: null, startedCount: null, investmentCompleted: null });
  });

  it('reads a kept check of a month without projects as the no-data check it was, not as everyone ranked 1st', () => {
    const nonsense = legacy(runFourCompare(config, counties, [fact], '2026-10'));
    const allZero = { ...nonsense, counties: nonsense.counties.map((l) => ({ ...l, projectCount: 0, total: 0, rank: 1, peerRank: 1 })) };
    const read = StoredCheckRecord.parse(record(allZero));
    expect(read.result).toMatchObject({ noData: true, previousPeriod: null, counties: [] });
  });
});
