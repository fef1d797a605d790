import { UnknownHolidayYear } from '../../domain/calendar';
import { orderAgenda, recipientsOf } from '../../domain/meeting/agenda';
import { followUpTimes } from '../../domain/meeting/followUps';
import { isoWeekKey, nominalMeetingDate, planMeeting } from '../../domain/meeting/plan';
import { fitText, robotMessages } from '../../domain/meeting/robot';
import { followUpStanding, overdueApprovalItems, projectAgendaItems } from '../../domain/meeting/sources';
import type { ProjectState } from '../../schemas/lifecycle';
import { dateCn, renderMeetingReminder } from '../../domain/meeting/text';
import { AgendaItem, MeetingConfig } from '../../schemas/meeting';
import { loadMeetingConfig } from '../../seeds/meetingConfig';

const config = loadMeetingConfig();
const at = (iso: string) => new Date(iso).toISOString();

function item(over: Partial<AgendaItem> & Pick<AgendaItem, 'id' | 'category'>): AgendaItem {
  return {
    project: { code: '2026-411122-13-03-000001', name: '项目甲', county: '411122', countyName: '临颍县' },
    why: '原因',
    since: at('2026-09-01T00:00:00+08:00'),
    department: { id: 'fgw', name: '发展和改革委员会' },
    leader: '副市长 王某',
    ...over,
  };
}

describe('meeting configuration (seeds/meeting.json)', () => {
  it('loads with the defaults: Monday 09:00, first reminder the working day before at 16:00, final 08:00', () => {
    expect(config).toMatchObject({ weekday: 1, time: '09:00', firstReminder: { workingDaysBefore: 1, at: '16:00' }, finalReminder: { at: '08:00' } });
    expect(config.directory.departments.dcs).toEqual({ name: '督查室', mobiles: ['13800395011'] });
    expect(config.directory.counties['411122']).toBe('临颍县');
  });

  it('names the field and the rule when the configuration is wrong', () => {
    const bad = MeetingConfig.safeParse({ weekday: 6, time: '9:00', finalReminder: { at: '10:00' } });
    expect(bad.success).toBe(false);
    const rules = bad.success ? [] : bad.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(rules).toEqual(
      expect.arrayContaining(['weekday: must be a working weekday 1 (Monday) to 5 (Friday)', 'time: must be a time of day HH:MM (00:00–23:59)']),
    );
    expect(() => loadMeetingConfig({ directory: { departments: { nosuch: { mobiles: [] } } } })).toThrow(/unknown department "nosuch"/);
    expect(MeetingConfig.safeParse({ finalReminder: { at: '09:30' } }).error?.issues[0]?.message).toBe('must be before the meeting time 09:00');
  });
});

describe('meeting plan from the working-day calendar', () => {
  it('numbers weeks the ISO way, across year ends', () => {
    expect(isoWeekKey('2026-09-21')).toBe('2026-W39');
    expect(isoWeekKey('2026-12-28')).toBe('2026-W53');
    expect(isoWeekKey('2027-01-04')).toBe('2027-W01');
    expect(isoWeekKey('2021-01-03')).toBe('2020-W53');
  });

  it('prepares the meeting of the first configured weekday after the start day', () => {
    expect(nominalMeetingDate('2026-09-14T00:05:00+08:00', 1)).toBe('2026-09-21');
    expect(nominalMeetingDate('2026-09-13T16:05:00Z', 1)).toBe('2026-09-21'); // same instant, in UTC
    expect(nominalMeetingDate('2026-09-15T12:00:00+08:00', 1)).toBe('2026-09-21');
    expect(nominalMeetingDate('2026-09-14T00:05:00+08:00', 3)).toBe('2026-09-16');
  });

  it.each([
    // nominal, meeting day, first reminder (working day before, 16:00), moved
    ['2026-09-21', '2026-09-21', '2026-09-20T16:00:00+08:00', false], // Sunday 09-20 is a make-up working day (调休)
    ['2026-09-28', '2026-09-28', '2026-09-24T16:00:00+08:00', false], // Mid-Autumn 09-25..27
    ['2026-10-05', '2026-10-08', '2026-09-30T16:00:00+08:00', true], // National Day: Monday is a holiday → Thursday
    ['2026-10-12', '2026-10-12', '2026-10-10T16:00:00+08:00', false], // Saturday 10-10 is a make-up working day
    ['2026-01-01', '2026-01-04', '2025-12-31T16:00:00+08:00', true], // a Thursday meeting on New Year's Day → Sunday 01-04, a make-up working day
  ])('meeting nominally on %s is held on %s, first reminder at %s', (nominal, day, first, moved) => {
    const plan = planMeeting(nominal, config);
    expect(plan).toMatchObject({ nominalDate: nominal, meetingDate: day, firstReminderAt: at(first), moved, skipped: false });
    expect(plan.meetingAt).toBe(at(`${day}T09:00:00+08:00`));
    expect(plan.finalReminderAt).toBe(at(`${day}T08:00:00+08:00`));
  });

  it('closes the decisions window at the end of the second working day after the meeting', () => {
    expect(planMeeting('2026-10-05', config).decisionsCloseAt).toBe(at('2026-10-10T23:59:59.999+08:00'));
  });

  it('merges a meeting that a long holiday pushes into the next week (Spring Festival 2026)', () => {
    const plan = planMeeting('2026-02-16', config);
    expect(plan).toMatchObject({ meetingDate: '2026-02-24', moved: true, skipped: true });
    expect(planMeeting('2026-02-23', config)).toMatchObject({ meetingDate: '2026-02-24', skipped: false, firstReminderAt: at('2026-02-14T16:00:00+08:00') });
  });

  it('refuses to guess in a year without holiday data', () => {
    expect(() => planMeeting('2027-01-04', config)).toThrow(UnknownHolidayYear);
  });
});

describe('follow-up items: due date, reminders, escalation', () => {
  it('counts working days from the meeting day and chases the day before, on the day, and the working day after', () => {
    const t = followUpTimes({ meetingDate: '2026-09-21', dueInWorkingDays: 3, decidedAt: at('2026-09-21T10:00:00+08:00') }, config);
    expect(t).toEqual({
      dueDate: '2026-09-24',
      reminders: [
        { date: '2026-09-23', at: at('2026-09-23T09:00:00+08:00'), workingDaysBefore: 1 },
        { date: '2026-09-24', at: at('2026-09-24T09:00:00+08:00'), workingDaysBefore: 0 },
      ],
      escalateAt: at('2026-09-28T09:00:00+08:00'), // 09-25..27 Mid-Autumn
    });
  });

  it('uses make-up working days and skips reminders that would come before the decision', () => {
    const t = followUpTimes({ meetingDate: '2026-10-08', dueInWorkingDays: 1, decidedAt: at('2026-10-08T10:00:00+08:00') }, config);
    expect(t.dueDate).toBe('2026-10-09');
    expect(t.reminders.map((r) => r.date)).toEqual(['2026-10-09']); // the day before is the meeting day itself, before 10:00
    expect(followUpTimes({ meetingDate: '2026-10-08', dueInWorkingDays: 2, decidedAt: at('2026-10-08T10:00:00+08:00') }, config).dueDate).toBe('2026-10-10');
  });

  it('says how an item stands', () => {
    expect(followUpStanding('2026-09-24', at('2026-09-24T16:00:00+08:00'))).toBe('今天到期');
    expect(followUpStanding('2026-09-24', at('2026-09-28T08:00:00+08:00'))).toBe('已逾期 1 个工作日');
    expect(followUpStanding('2026-09-29', at('2026-09-24T16:00:00+08:00'))).toBe('距完成时限还有 2 个工作日');
  });
});

describe('agenda order and recipients', () => {
  it('orders by category, county, project code; a stalled project is not also listed as red', () => {
    const items = [
      item({ id: 'followUp:x', category: 'followUp', ref: 'x' }),
      item({ id: 'redWarning:b', category: 'redWarning', project: { code: '2026-411121-13-03-000002', name: '乙', county: '411121', countyName: '舞阳县' } }),
      item({ id: 'redWarning:a', category: 'redWarning' }),
      item({ id: 'stalled:a', category: 'stalled' }),
      item({ id: 'openProblem:a:p1', category: 'openProblem', department: { id: 'zrzy', name: '自然资源和规划局' } }),
      item({ id: 'stalled:a', category: 'stalled', why: 'duplicate' }),
    ];
    expect(orderAgenda(items).map((i) => i.id)).toEqual(['stalled:a', 'redWarning:b', 'openProblem:a:p1', 'followUp:x']);
    expect(orderAgenda(items).find((i) => i.id === 'stalled:a')?.why).toBe('原因');
  });

  it('reminds every department and every leader with an item, with their own items only', () => {
    const agenda = orderAgenda([
      item({ id: 'stalled:a', category: 'stalled' }),
      item({ id: 'openProblem:a:p1', category: 'openProblem', department: { id: 'zrzy', name: '自然资源和规划局' }, leader: '副市长 刘某' }),
    ]);
    const rs = recipientsOf(agenda, config);
    expect(rs.map((r) => [r.recipient.kind, r.recipient.name, r.items.map((i) => i.id), r.mentionMobiles])).toEqual([
      ['department', '发展和改革委员会', ['stalled:a'], ['13800395001']],
      ['department', '自然资源和规划局', ['openProblem:a:p1'], ['13800395002']],
      ['leader', '副市长 王某', ['stalled:a'], ['13900395102']],
      ['leader', '副市长 刘某', ['openProblem:a:p1'], ['13900395103']],
    ]);
  });
});

describe('reminder text and robot messages', () => {
  const plan = planMeeting('2026-10-05', config);
  const text = renderMeetingReminder({
    plan,
    round: 'first',
    recipientName: '发展和改革委员会',
    items: [item({ id: 'stalled:a', category: 'stalled', why: '项目停滞（未按时报送月报，已 12 个工作日）' })],
    attendees: ['发展和改革委员会', '副市长 王某'],
  });

  it('tells what, which project, why, since when and who must attend — and that a holiday moved the meeting', () => {
    expect(dateCn('2026-10-08')).toBe('10月8日（星期四）');
    expect(text.title).toBe('周例会提醒（第41周，10月8日（星期四） 09:00）');
    expect(text.markdown).toContain('因节假日，本周例会由 10月5日（星期一） 顺延至 10月8日（星期四）。');
    expect(text.markdown).toContain('**1. 【项目停滞】项目甲**');
    expect(text.markdown).toContain('> 项目代码：2026-411122-13-03-000001 · 临颍县');
    expect(text.markdown).toContain('> 事由：项目停滞（未按时报送月报，已 12 个工作日）');
    expect(text.markdown).toContain('> 起始：2026年9月1日');
    expect(text.markdown).toContain('> 责任：发展和改革委员会 · 副市长 王某');
    expect(text.markdown).toContain('**请参会：** 发展和改革委员会、副市长 王某');
  });

  it('builds WeCom messages (markdown, then a text that mentions by mobile) and DingTalk ones (markdown with at)', () => {
    const reminder = { ...text, mentionMobiles: ['13800395001', '13800395001'] };
    expect(robotMessages(reminder, 'wecom')).toEqual([
      { msgtype: 'markdown', markdown: { content: text.markdown } },
      { msgtype: 'text', text: { content: `请关注：${text.title}`, mentioned_mobile_list: ['13800395001'] } },
    ]);
    expect(robotMessages({ ...reminder, mentionMobiles: [] }, 'wecom')).toHaveLength(1);
    expect(robotMessages(reminder, 'dingtalk')).toEqual([
      { msgtype: 'markdown', markdown: { title: text.title, text: `${text.markdown}\n\n@13800395001` }, at: { atMobiles: ['13800395001'], isAtAll: false } },
    ]);
  });

  it('cuts a text too long for a robot at a line boundary', () => {
    const long = Array.from({ length: 400 }, (_, i) => `第${i}行：项目情况说明`).join('\n');
    const cut = fitText(long, 4000);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(4000);
    expect(cut.endsWith('……（内容过长，其余请在系统中查看）')).toBe(true);
  });
});

describe('agenda items from a project\'s live state', () => {
  const project = {
    code: '2026-411122-13-03-000123',
    name: '华润怡宝六十万吨纯净水项目',
    county: '411122',
    leadDepartment: 'fgw',
    responsibleLeader: '副市长 王某',
  };
  const red = (on: string) => ({ level: 'red' as const, at: at(on), completionRate: 0.12, expectedRate: 0.5 });
  const state = {
    project,
    closed: false,
    stall: { reason: 'noReport', since: at('2026-09-01T00:00:00+08:00'), detail: '', order: { id: 'DB-2026-001', dueDate: '2026-09-15' } },
    warning: red('2026-09-10T00:00:00+08:00'),
    warningHistory: [{ level: 'yellow', at: at('2026-07-01T00:00:00+08:00'), completionRate: 0.3, expectedRate: 0.45 }, red('2026-08-01T00:00:00+08:00'), red('2026-09-10T00:00:00+08:00')],
    openProblems: [{ id: 'p-1', text: '施工用电未接入', department: 'zjj', raisedIn: '2026-08', raisedAt: at('2026-09-05T10:00:00+08:00') }],
  } as unknown as ProjectState;

  it('gives the stall, the red warning since the red run began, and each open problem with its department', () => {
    const items = projectAgendaItems(state, at('2026-09-18T16:00:00+08:00'), config);
    expect(items.map((i) => [i.id, i.department.id, i.leader, i.since])).toEqual([
      ['stalled:2026-411122-13-03-000123', 'fgw', '副市长 王某', at('2026-09-01T00:00:00+08:00')],
      ['redWarning:2026-411122-13-03-000123', 'fgw', '副市长 王某', at('2026-08-01T00:00:00+08:00')],
      ['openProblem:2026-411122-13-03-000123:p-1', 'zjj', '副市长 王某', at('2026-09-05T10:00:00+08:00')],
    ]);
    expect(items[0]!.why).toBe('项目停滞（未按时报送月报，已 13 个工作日）；督办单 DB-2026-001 限 9月15日（星期二） 前办结');
    expect(items[1]!.why).toBe('红灯预警：年度计划投资完成率 12%，按进度应达 50%');
    expect(items[2]!.why).toBe('2026-08 月报反映问题：施工用电未接入');
    expect(items[2]!.project.countyName).toBe('临颍县');
    expect(projectAgendaItems({ ...state, closed: true }, at('2026-09-18T16:00:00+08:00'), config)).toEqual([]);
  });

  it('gives an overdue approval to each department holding it', () => {
    const items = overdueApprovalItems(
      { workflowId: 'review-x', projectCode: project.code, stage: 'construction-permit', departments: ['zjj', 'xf'], deadline: at('2026-09-15T23:59:59+08:00') },
      project,
      at('2026-09-18T16:00:00+08:00'),
      config,
    );
    expect(items.map((i) => [i.id, i.department.name])).toEqual([
      ['overdueApproval:2026-411122-13-03-000123:construction-permit:zjj', '住房和城乡建设局'],
      ['overdueApproval:2026-411122-13-03-000123:construction-permit:xf', '消防救援支队'],
    ]);
    expect(items[0]!.why).toBe('联审联批「construction-permit」超过办理时限（时限 9月15日（星期二），已超 3 个工作日）');
    // One of the four stages is named as on the application form, not by its id.
    const named = overdueApprovalItems({ workflowId: 'review-y', projectCode: project.code, stage: 'constructionPermit', departments: ['zjj'], deadline: at('2026-09-15T23:59:59+08:00') }, project, at('2026-09-18T16:00:00+08:00'), config);
    expect(named[0]!.why).toMatch(/^联审联批「施工许可」超过办理时限/);
  });
});
