/**
 * Reminder texts, in the Chinese markdown subset that both WeCom and DingTalk group robots
 * render (headings, bold, quotes, line breaks). Written for a phone: what, which project, why it
 * is on the agenda, since when, who is responsible and who must attend. Pure.
 */
import { shanghaiDate, isoWeekday, type LocalDate } from '../calendar';
import type { AgendaItem, FollowUpItem, MeetingPlan } from '../../schemas/meeting';
import { CATEGORY_NAMES } from './agenda';

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

/** `2026-10-08` → `10月8日（星期四）`. */
export function dateCn(date: LocalDate): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日（星期${WEEKDAYS[isoWeekday(date) - 1]}）`;
}

/** `2026-09-01` → `2026年9月1日`. */
export function longDateCn(date: LocalDate): string {
  return `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** Wall-clock time HH:MM of an instant in Asia/Shanghai (fixed UTC+8). */
export function shanghaiClock(instant: string): string {
  const ms = Date.parse(instant) + 8 * 3_600_000;
  const minutes = Math.floor(ms / 60_000) % 1440;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const weekNumber = (week: string): string => `第${Number(week.slice(6))}周`;

function itemBlock(item: AgendaItem, n: number): string {
  const lines = [
    `**${n}. 【${CATEGORY_NAMES[item.category]}】${item.project.name}**`,
    `> 项目代码：${item.project.code} · ${item.project.countyName}`,
    `> 事由：${item.why}`,
    `> 起始：${longDateCn(shanghaiDate(item.since))}`,
    `> 责任：${item.department.name}${item.leader ? ` · ${item.leader}` : ''}`,
  ];
  if (item.dueDate) lines.splice(3, 0, `> 完成时限：${dateCn(item.dueDate)}`);
  return lines.join('\n');
}

export function renderMeetingReminder(args: {
  plan: MeetingPlan;
  round: 'first' | 'final';
  recipientName: string;
  items: readonly AgendaItem[];
  attendees: readonly string[];
}): { title: string; markdown: string } {
  const { plan, round } = args;
  const when = `${dateCn(plan.meetingDate)} ${shanghaiClock(plan.meetingAt)}`;
  const title = round === 'final' ? `今日周例会 ${shanghaiClock(plan.meetingAt)}（${weekNumber(plan.week)}）` : `周例会提醒（${weekNumber(plan.week)}，${when}）`;
  const head = [
    `### ${round === 'final' ? '今日周例会' : '周例会提醒'}（${weekNumber(plan.week)}）`,
    `**时间：** ${when}`,
  ];
  if (plan.moved) head.push(`> 因节假日，本周例会由 ${dateCn(plan.nominalDate)} 顺延至 ${dateCn(plan.meetingDate)}。`);
  if (plan.provisional) head.push(`> 工作日历（暂定）：${plan.provisional.basis}。`);
  head.push(`**致：** ${args.recipientName}（共 ${args.items.length} 项议题）`);
  const body = args.items.map((item, i) => itemBlock(item, i + 1));
  const tail = [`**请参会：** ${args.attendees.join('、')}`];
  if (round === 'final') tail.push('请准时参会，并准备好相关情况说明。');
  return { title, markdown: [head.join('\n'), ...body, tail.join('\n')].join('\n\n') };
}

function followUpHead(item: FollowUpItem): string[] {
  return [
    `**事项：** ${item.action}`,
    `**项目：** ${item.project.name}（${item.project.code} · ${item.project.countyName}）`,
    `**议定：** ${weekNumber(item.week)}例会（${dateCn(item.meetingDate)}）`,
    `**责任单位：** ${item.ownerDepartment.name}${item.leader ? ` · 分包领导：${item.leader}` : ''}`,
  ];
}

export function renderFollowUpDue(item: FollowUpItem, workingDaysBefore: number): { title: string; markdown: string } {
  const left = workingDaysBefore === 0 ? '今天到期' : workingDaysBefore === 1 ? '下一个工作日到期' : `还有 ${workingDaysBefore} 个工作日到期`;
  return {
    title: `督办事项${left}：${item.project.name}`,
    markdown: [
      `### 督办事项到期提醒（${left}）`,
      ...followUpHead(item),
      `**完成时限：** ${dateCn(item.dueDate)}`,
      '请按时办结，并在系统中填写办结说明。',
    ].join('\n'),
  };
}

export function renderFollowUpOverdue(item: FollowUpItem): { title: string; markdown: string } {
  return {
    title: `督办事项逾期：${item.project.name}`,
    markdown: [
      '### 督办事项逾期（已提请督查）',
      ...followUpHead(item),
      `**完成时限：** ${dateCn(item.dueDate)}，已过期仍未办结。`,
      '本事项将列入下次周例会议程，请说明原因并尽快办结。',
    ].join('\n'),
  };
}

export function renderCalendarMissing(args: { week: string; nominalDate: LocalDate; year: number | undefined }): { title: string; markdown: string } {
  const year = args.year ?? Number(args.nominalDate.slice(0, 4));
  return {
    title: `周例会无法排期（${weekNumber(args.week)}）`,
    markdown: [
      `### 周例会无法排期（${args.week}）`,
      `**原定日期：** ${longDateCn(args.nominalDate)}`,
      `**原因：** 工作日历缺少 ${year} 年节假日安排（国务院办公厅关于${year}年部分节假日安排的通知），无法确定例会日期和提醒时间。`,
      '请补录该年度节假日安排后重新安排本次例会。',
    ].join('\n'),
  };
}
