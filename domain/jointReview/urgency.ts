/**
 * A department's inbox (待办): its open items across reviews, most urgent first.
 *
 * Urgency order (TIE_RULE):
 * 1. items whose clock runs before returned tasks (their clock stands still, the applicant has the ball);
 * 2. earlier deadline first — so the most overdue come first, then those due soonest;
 * 3. on the same deadline, a task before a follow-up (a task holds the permit up);
 * 4. then by project code, then by stage order — for a stable, reproducible order.
 * Returned tasks among themselves: fewest working days left at the return first, then 3–4.
 */
import { REVIEW_STAGE_IDS, type DepartmentItem, type InboxItem, type ReviewState } from '../../schemas/jointReview';
import { defaultCalendar } from '../calendar';
import { counted, workingDaysLeft, type ReviewCalendar } from './deadlines';
import { stillMissing } from './tasks';

export const TIE_RULE =
  'running clocks before returned tasks; earlier deadline first (most overdue first); task before follow-up on the same deadline; then project code, then stage order';

/** The department's open items in one review, as facts without a clock reading. */
export function departmentItems(state: ReviewState, department: string): DepartmentItem[] {
  const base = {
    projectCode: state.project.code,
    projectName: state.project.name,
    county: state.project.county,
    stageId: state.stage.id,
    department,
  };
  const items: DepartmentItem[] = [];
  for (const t of state.tasks) {
    if (t.department !== department) continue;
    if (t.status === 'open' || t.status === 'returned') {
      const paused = t.status === 'returned';
      const leftAtPause = paused ? (t.pauses[t.pauses.length - 1]?.workingDaysLeftAtPause ?? null) : null;
      const asked = paused ? (t.pauses[t.pauses.length - 1]?.missingMaterials ?? []) : [];
      items.push({ ...base, kind: 'task', deadline: t.deadline, deadlineDate: t.deadlineDate, paused, workingDaysLeftAtPause: leftAtPause, materials: t.materials ?? [], missingMaterials: asked, ...(t.provisional ? { provisional: t.provisional } : {}) });
    }
    if (t.followUp?.status === 'open') {
      const f = t.followUp;
      const p = f.provisional;
      items.push({ ...base, kind: 'followUp', deadline: f.due, deadlineDate: f.dueDate, paused: false, workingDaysLeftAtPause: null, materials: t.materials ?? [], missingMaterials: stillMissing(f), ...(p ? { provisional: p } : {}) });
    }
  }
  return items;
}

/** An item as seen at `now`: its status and working days left (null where the calendar has no data). */
export function toInboxItem(item: DepartmentItem, now: Date, cal: ReviewCalendar = defaultCalendar, daysLeft: (deadlineDate: string) => number | null = (d) => daysLeftAt(cal, now, d)): InboxItem {
  const { paused, workingDaysLeftAtPause, ...rest } = item;
  if (paused) return { ...rest, workingDaysLeft: workingDaysLeftAtPause, status: 'returned' };
  return {
    ...rest,
    workingDaysLeft: daysLeft(item.deadlineDate),
    status: now.getTime() > Date.parse(item.deadline) ? 'overdue' : 'open',
  };
}

/** Working days left at `now` to a deadline date; null where the calendar has no data for the year. */
function daysLeftAt(cal: ReviewCalendar, now: Date, deadlineDate: string): number | null {
  const left = counted(() => workingDaysLeft(cal, now, deadlineDate));
  return left.ok ? left.value : null;
}

/**
 * Days left counted once per distinct deadline date: an inbox of a thousand tasks has a few dozen
 * deadline dates, and counting working days was half the inbox's time (bench:readmodel).
 */
export function daysLeftMemo(now: Date, cal: ReviewCalendar = defaultCalendar): (deadlineDate: string) => number | null {
  const memo = new Map<string, number | null>();
  return (d) => {
    let v = memo.get(d);
    if (v === undefined) memo.set(d, (v = daysLeftAt(cal, now, d)));
    return v;
  };
}

const stageIndex = (id: InboxItem['stageId']): number => REVIEW_STAGE_IDS.indexOf(id);

/** Sort comparator implementing TIE_RULE. */
export function compareUrgency(a: InboxItem, b: InboxItem): number {
  const pausedA = a.status === 'returned' ? 1 : 0;
  const pausedB = b.status === 'returned' ? 1 : 0;
  if (pausedA !== pausedB) return pausedA - pausedB;
  if (pausedA === 1) {
    const la = a.workingDaysLeft ?? Number.MAX_SAFE_INTEGER;
    const lb = b.workingDaysLeft ?? Number.MAX_SAFE_INTEGER;
    if (la !== lb) return la - lb;
  } else {
    const d = Date.parse(a.deadline) - Date.parse(b.deadline);
    if (d !== 0) return d;
  }
  if (a.kind !== b.kind) return a.kind === 'task' ? -1 : 1;
  if (a.projectCode !== b.projectCode) return a.projectCode < b.projectCode ? -1 : 1;
  return stageIndex(a.stageId) - stageIndex(b.stageId);
}

/** The inbox at `now`, most urgent first. */
export function inboxOf(items: readonly DepartmentItem[], now: Date, cal: ReviewCalendar = defaultCalendar): InboxItem[] {
  const daysLeft = daysLeftMemo(now, cal);
  return items.map((i) => toInboxItem(i, now, cal, daysLeft)).sort(compareUrgency);
}
