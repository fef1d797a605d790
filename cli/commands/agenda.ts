import { JSON_OPTION, str, type Command } from '../command';
import { withClient } from '../connect';
import { usageError } from '../exitCodes';
import { formatFacts, writeJson, writeTable } from '../output';

export const agenda: Command = {
  words: ['agenda'],
  args: [],
  summary: "the weekly meeting's agenda (周例会): the current meeting's, or a given week's",
  usage: 'keyflow agenda [--week YYYY-Www] [--json]',
  help: [
    '  --week W   ISO week of the meeting, e.g. 2026-W41 (default: the meeting being prepared or held)',
    '  --json     the meeting (plan, status, agenda, follow-ups) as JSON',
  ].join('\n'),
  options: { week: { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const week = str(input, 'week');
    if (week !== undefined && !/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/.test(week)) throw usageError(`--week: must be an ISO week written YYYY-Www (e.g. 2026-W41); got "${week}"`);
    const { getAgenda } = await import('../../client/meetings');
    const meeting = await withClient(io.env, (ctx) => getAgenda(ctx, week));
    if (input.json) {
      writeJson(io, meeting);
      return 0;
    }
    const p = meeting.plan;
    io.stdout.write(
      formatFacts([
        ['week', p.week],
        ['meeting', `${p.meetingAt}${p.moved ? ` (moved from ${p.nominalDate}: not a working day)` : ''}`],
        ['status', meeting.status],
        ['agenda compiled', meeting.agendaCompiledAt],
        ['follow-up items', meeting.followUps.length],
      ]) + '\n',
    );
    writeTable(
      io,
      ['CATEGORY', 'CODE', 'PROJECT', 'COUNTY', 'WHY', 'DEPARTMENT', 'SINCE'],
      meeting.agenda.map((a) => [a.category, a.project.code, a.project.name, a.project.countyName, a.why, a.department.name, a.since.slice(0, 10)]),
      '(the agenda is empty)',
    );
    return 0;
  },
};
