import { checkPeriodRefusal, latestCheckablePeriod } from '../../domain/checkPeriod';
import { CliError, ExitCode, usageError } from '../exitCodes';
import { JSON_OPTION, str, type Command } from '../command';
import { withClient } from '../connect';
import { say, writeJson, writeTable } from '../output';

const signed = (n: number | null) => (n === null ? null : n > 0 ? `+${n}` : String(n));

export const checkRun: Command = {
  words: ['check', 'run'],
  args: [],
  summary: 'run the four-compare check (四比四看) for a month now and print the county ranking',
  usage: 'keyflow check run [--period YYYY-MM] [--json]',
  help: [
    '  --period YYYY-MM   the month checked, a month that has ended, from 2020-01 (default: last month, Asia/Shanghai)',
    '  --json             the check record (result, report paths) as JSON',
    'Waits for the check to finish; a check of the month already running is joined, not started twice.',
  ].join('\n'),
  options: { period: { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const now = new Date();
    const period = str(input, 'period') ?? latestCheckablePeriod(now);
    // Refused here, before connecting: the month in progress is a refusal (4), a bad month bad input (2).
    const refusal = checkPeriodRefusal(period, now);
    if (refusal?.type === 'MonthNotClosed') throw new CliError(ExitCode.refused, `--period: ${refusal.rule}`, [{ field: 'period', rule: refusal.rule }], refusal.type);
    if (refusal) throw usageError(`--period: ${refusal.rule}; got "${period}"`);
    say(io, `keyflow: checking ${period} (四比四看)…`);
    const { runFourCompareNow } = await import('../../client/rankings');
    const record = await withClient(io.env, (ctx) => runFourCompareNow(ctx, period, { now }));
    if (input.json) {
      writeJson(io, record);
      return 0;
    }
    const r = record.result;
    if (r.noData) {
      io.stdout.write(`${r.period} 无数据 no data: no key project existed by the end of the month; nothing is ranked\ncheck ${record.checkId}\nreports: ${record.reports.html}\n         ${record.reports.csv}\n`);
      return 0;
    }
    writeTable(
      io,
      ['RANK', 'CHANGE', 'COUNTY', 'KIND', 'PEER RANK', 'TOTAL', 'PROJECTS'],
      r.counties.map((c) => [c.rank, signed(c.rankChange), c.name, c.kind, c.peerRank, c.total, c.projectCount]),
    );
    io.stdout.write(`\ncheck ${record.checkId}, out of ${r.maxPoints} points; ${r.tieRule}\nreports: ${record.reports.html}\n         ${record.reports.csv}\n`);
    return 0;
  },
};
