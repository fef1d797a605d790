/**
 * Deadlines counted on provisional calendar years are marked, and recounted from their origin
 * when a notice is loaded (domain/jointReview/recount.ts). Pure: no server, no clock.
 */
import { mkdtempSync } from 'fs';
import os from 'os';
import path from 'path';
import { provisionalYear } from '../../domain/calendar/provisional';
import { deadlineYears, markProvisional, recountDeadlines } from '../../domain/jointReview/recount';
import { actOnTask, resubmit, startReview } from '../../domain/jointReview/tasks';
import { isRefusal, type Refusal } from '../../domain/jointReview/refusal';
import type { ReviewState } from '../../schemas/jointReview';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { loadCalendar } from '../../seeds/holidays';
import { reviewStageInput } from '../../workflows/review/messages';
import { testNoticeFixture } from '../support/calendars';
import { CalendarHolder } from '../../activities/calendar/holder';

const dir = mkdtempSync(path.join(os.tmpdir(), 'keyflow-holidays-'));
const provisionalCal = loadCalendar(dir);
const acceptedAt = new Date('2026-12-01T09:00:00+08:00');
const input = reviewStageInput(
  { code: '2026-411122-13-03-000777', name: '临颍现代家居产业园', county: '411122', leadDepartment: 'fgw' },
  loadJointReviewConfig(),
  'engineeringPermit',
  'xzsp:wang',
);
const ok = <T extends object>(r: T | Refusal): T => {
  if (isRefusal(r)) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r as T;
};
const started = (): ReviewState => markProvisional(ok(startReview(provisionalCal, input, acceptedAt)), { years: [2027], calendarVersion: 0 });

describe('provisional deadlines', () => {
  it('counts a 30-working-day stage from 2026-12-01 into 2027 and marks the tasks due in 2027, with the reason in Chinese', () => {
    const state = started();
    const in2027 = state.tasks.filter((t) => t.deadlineDate.startsWith('2027-'));
    expect(in2027.map((t) => t.department)).toEqual(['zrzy']); // 30 working days; the 15- and 20-day tasks end in December
    for (const t of in2027) {
      expect(t.provisional).toMatchObject({ years: [2027], calendarVersion: 0 });
      expect(t.provisional!.basis).toContain('2027年国务院节假日安排通知尚未发布，按《全国年节及纪念日放假办法》');
    }
    expect(state.tasks.filter((t) => !t.deadlineDate.startsWith('2027-')).every((t) => t.provisional === undefined)).toBe(true);
    expect(deadlineYears(state)).toEqual(['2026', '2027']);
  });

  it('leaves a count inside notice years unmarked', () => {
    const inNotice = markProvisional(ok(startReview(provisionalCal, input, new Date('2026-09-01T09:00:00+08:00'))), { years: [2027] });
    expect(inNotice.tasks.every((t) => t.provisional === undefined)).toBe(true);
  });
});

describe('recount on a loaded notice', () => {
  const state = started();
  const notice = testNoticeFixture(provisionalYear(2027), state.tasks.filter((t) => t.provisional).map((t) => t.deadlineDate));
  const loadedCal = loadCalendar(dir, [notice]);
  const change = { version: 1, documentNumber: notice.notice.documentNumber };
  const now = new Date('2026-12-03T10:00:00+08:00');

  it('moves each deadline to the date counted from acceptance on the new calendar, with an audit entry old → new', () => {
    const { state: next, changed } = recountDeadlines(loadedCal, state, now, change);
    expect(changed.map((c) => c.department)).toEqual(['zrzy']);
    next.tasks.forEach((t, i) => {
      const before = state.tasks[i]!;
      if (!before.provisional) return expect(t).toEqual(before);
      expect(t.deadlineDate).toBe(loadedCal.addWorkingDays('2026-12-01', t.limitWorkingDays));
      expect(t.deadlineDate > before.deadlineDate).toBe(true);
      const last = t.audit[t.audit.length - 1]!;
      expect(last).toMatchObject({ action: 'deadlineRecounted', by: 'system', deadlineAtThatMoment: before.deadline, deadlineAfter: t.deadline });
      expect(last.reason).toContain(`按TEST-FIXTURE-2027重算期限：${before.deadlineDate} → ${t.deadlineDate}`);
    });
    // 2027 is a notice now: nothing provisional left.
    expect(markProvisional(next, { years: [] }).tasks.every((t) => t.provisional === undefined)).toBe(true);
  });

  it('changes nothing when the new calendar counts the same', () => {
    const { state: same, changed } = recountDeadlines(provisionalCal, state, now, change);
    expect(changed).toEqual([]);
    expect(same.tasks.map((t) => t.audit.length)).toEqual(state.tasks.map((t) => t.audit.length));
  });

  it('recounts the paused working days of a resubmitted task and a returned task’s days left', () => {
    const dept = 'zrzy';
    const returned = ok(
      actOnTask(provisionalCal, state, { requestId: 'ret-000001', department: dept, actor: { by: `${dept}:li`, department: dept }, action: 'returnForSupplement', reason: '缺少设计方案', missingMaterials: ['建设工程设计方案'] }, new Date('2026-12-10T10:00:00+08:00')),
    ).state;
    const whileReturned = recountDeadlines(loadedCal, returned, now, change).state.tasks.find((t) => t.department === dept)!;
    expect(whileReturned.pauses[0]!.workingDaysLeftAtPause).toBe(loadedCal.workingDaysBetween('2026-12-10T10:00:00+08:00', whileReturned.deadlineDate));
    const resumed = ok(resubmit(provisionalCal, returned, { requestId: 'res-000001', department: dept, actor: { by: 'applicant' } }, new Date('2026-12-30T10:00:00+08:00'))).state;
    const t = recountDeadlines(loadedCal, resumed, now, change).state.tasks.find((x) => x.department === dept)!;
    const paused = loadedCal.workingDaysBetween('2026-12-10T10:00:00+08:00', '2026-12-30T10:00:00+08:00');
    expect(t.deadlineDate).toBe(loadedCal.addWorkingDays('2026-12-01', t.limitWorkingDays + paused));
  });

  it('marks and recounts an open 容缺 follow-up from its creation date', () => {
    const created = new Date('2026-12-10T10:00:00+08:00');
    const acted = ok(
      actOnTask(provisionalCal, state, { requestId: 'miss-000001', department: 'zjj', actor: { by: 'zjj:li', department: 'zjj' }, action: 'approveWithMissing', reason: '容缺受理', missingMaterials: ['初步设计文件'], followUpWorkingDays: 30 }, created),
    ).state;
    const markedState = markProvisional(acted, { years: [2027], calendarVersion: 0 });
    const fu = markedState.tasks.find((t) => t.department === 'zjj')!.followUp!;
    expect(fu.dueDate.startsWith('2027-')).toBe(true);
    expect(fu.provisional).toMatchObject({ years: [2027] });
    const cal = loadCalendar(dir, [testNoticeFixture(provisionalYear(2027), [fu.dueDate])]);
    const { state: next, changed } = recountDeadlines(cal, markedState, now, change);
    const after = next.tasks.find((t) => t.department === 'zjj')!;
    expect(after.followUp!.dueDate).toBe(cal.addWorkingDays('2026-12-10', 30));
    expect(changed).toContainEqual(expect.objectContaining({ department: 'zjj', kind: 'followUp', previousDeadlineDate: fu.dueDate, deadlineDate: after.followUp!.dueDate }));
    expect(after.audit.at(-1)!.reason).toContain('重算容缺补齐期限');
  });
});

describe('the worker’s calendar holder', () => {
  it('answers from the version it holds, refreshes when asked for a newer one, and says when it cannot', async () => {
    let version = 0;
    const notice = testNoticeFixture(provisionalYear(2027), ['2027-01-13']);
    const holder = new CalendarHolder({ dir, fetch: async () => ({ version, notices: version > 0 ? [{ version: 1, loadedAt: '2026-12-02T00:00:00Z', by: 'admin', arrangement: JSON.parse(JSON.stringify(notice)) }] : [] }) });
    expect((await holder.current()).version).toBe(0);
    expect((await holder.current()).calendar.isWorkingDay('2027-01-13')).toBe(true);
    version = 1;
    expect((await holder.current()).version).toBe(0); // not asked for more: no query
    const fresh = await holder.current(1);
    expect(fresh.version).toBe(1);
    expect(fresh.calendar.isWorkingDay('2027-01-13')).toBe(false);
    expect(fresh.calendar.arrangements.find((a) => a.year === 2027)!.provisional).toBeUndefined();
    await expect(holder.current(2)).rejects.toThrow('calendar version 2 not yet visible (holding 1)');
  });
});

