import { countyName, departmentId, JSON_OPTION, type Command } from '../command';
import { environment, withClient } from '../connect';
import { writeJson, writeTable } from '../output';

/** Returned tasks and 容缺 follow-ups show what is missing; open tasks what the department needs. */
function materialsCell(i: { materials?: string[]; missingMaterials?: string[]; status: string; kind: string }): string {
  const missing = i.missingMaterials ?? [];
  if (missing.length > 0) return `缺：${missing.join('、')}`;
  return (i.materials ?? []).join('、');
}

/** The mark of a deadline counted on provisional calendar years. */
const PROVISIONAL_MARK = '（暂定）';

export const inbox: Command = {
  words: ['inbox'],
  args: ['DEPARTMENT'],
  summary: "a department's open review tasks and 容缺 follow-ups, most urgent first",
  usage: 'keyflow inbox DEPARTMENT [--json]',
  help: [
    '  DEPARTMENT   department id or name (zrzy, 自然资源和规划局)',
    '  --json       the inbox as JSON: [{ projectCode, projectName, county, stageId, department, kind, deadline, deadlineDate, workingDaysLeft, status, provisional? }]',
    'A due date marked （暂定） was counted on a year whose State Council holiday notice is not out yet; the reason is printed under the table, and it is recounted when the notice is loaded.',
    'Working days left: 0 = due today, negative = overdue by that many working days; for a returned task, the days left when it was returned.',
  ].join('\n'),
  options: { ...JSON_OPTION },
  async run(input, io) {
    const department = departmentId(input.args[0]!);
    const { departmentInbox } = await import('../../client/reviews');
    // Working days left are counted on the workers' calendar: KEYFLOW_HOLIDAYS_DIR and the registry's loaded notices.
    const holidaysDir = environment(io.env).KEYFLOW_HOLIDAYS_DIR;
    const items = await withClient(io.env, (ctx) => departmentInbox({ ...ctx, ...(holidaysDir ? { holidaysDir } : {}) }, department));
    if (input.json) {
      writeJson(io, items);
      return 0;
    }
    writeTable(
      io,
      ['DUE', 'LEFT', 'STATUS', 'KIND', 'STAGE', 'CODE', 'PROJECT', 'COUNTY', 'MATERIALS'],
      items.map((i) => [`${i.deadlineDate}${i.provisional ? PROVISIONAL_MARK : ''}`, i.workingDaysLeft, i.status, i.kind, i.stageId, i.projectCode, i.projectName, countyName(i.county), materialsCell(i)]),
      `(nothing open for ${department})`,
    );
    // Each reason once, under the table: the mark says which deadlines it applies to.
    for (const basis of new Set(items.flatMap((i) => (i.provisional ? [i.provisional.basis] : [])))) io.stdout.write(`${PROVISIONAL_MARK}${basis}\n`);
    return 0;
  },
};
