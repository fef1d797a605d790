import { shanghaiDate } from '../../domain/calendar';
import { YearMonth } from '../../schemas/common';
import { JSON_OPTION, str, type Command } from '../command';
import { withClient } from '../connect';
import { usageError } from '../exitCodes';
import { say, writeJson, writeTable } from '../output';

/** The month before today's in Asia/Shanghai: the month whose reports are in. */
function previousMonth(now: Date): string {
  const [y, m] = shanghaiDate(now).split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

const signed = (n: number | null) => (n === null ? null : n > 0 ? `+${n}` : String(n));

export const checkRun: Command = {
  words: ['check', 'run'],
  args: [],
  summary: 'run the four-compare check (四比四看) for a month now and print the county ranking',
  usage: 'keyflow check run [--period YYYY-MM] [--json]',
  help: [
    '  --period YYYY-MM   the month checked (default: last month, Asia/Shanghai)',
    '  --json             the check record (result, report paths) as JSON',
    'Waits for the check to finish; a check of the month already running is joined, not started twice.',
  ].join('\n'),
  options: { period: { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const period = str(input, 'period') ?? previousMonth(new Date());
    const p = YearMonth.safeParse(period);
    if (!p.success) throw usageError(`--period: ${p.error.issues[0]?.message}; got "${period}"`);
    say(io, `keyflow: checking ${p.data} (四比四看)…`);
    const { runFourCompareNow } = await import('../../client/rankings');
    const record = await withClient(io.env, (ctx) => runFourCompareNow(ctx, p.data));
    if (input.json) {
      writeJson(io, record);
      return 0;
    }
    const r = record.result;
    writeTable(
      io,
      ['RANK', 'CHANGE', 'COUNTY', 'KIND', 'PEER RANK', 'TOTAL', 'PROJECTS'],
      r.counties.map((c) => [c.rank, signed(c.rankChange), c.name, c.kind, c.peerRank, c.total, c.projectCount]),
    );
    io.stdout.write(`\ncheck ${record.checkId}, out of ${r.maxPoints} points; ${r.tieRule}\nreports: ${record.reports.html}\n         ${record.reports.csv}\n`);
    return 0;
  },
};
