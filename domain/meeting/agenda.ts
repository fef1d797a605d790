/**
 * The weekly meeting's agenda (议程): order, de-duplication and who is reminded. Pure.
 *
 * Order (stable, stated in the README): by category — stalled (停滞) → red warning (红灯) →
 * overdue approval (审批超时) → open problem (存在问题) → follow-up item (督办事项) — then by
 * county id, project code, responsible department id, and the item's own reference.
 * A stalled project is also red by the warning rules; its red item is dropped so the project is
 * discussed once, as stalled.
 */
import type { AgendaCategory, AgendaItem, MeetingConfig, Recipient } from '../../schemas/meeting';

export const CATEGORY_ORDER: readonly AgendaCategory[] = ['stalled', 'redWarning', 'overdueApproval', 'openProblem', 'followUp'];

export const CATEGORY_NAMES: Readonly<Record<AgendaCategory, string>> = {
  stalled: '项目停滞',
  redWarning: '红灯预警',
  overdueApproval: '审批超时',
  openProblem: '月报问题',
  followUp: '督办事项',
};

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareAgendaItems(a: AgendaItem, b: AgendaItem): number {
  return (
    CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) ||
    cmp(a.project.county, b.project.county) ||
    cmp(a.project.code, b.project.code) ||
    cmp(a.department.id, b.department.id) ||
    cmp(a.ref ?? '', b.ref ?? '') ||
    cmp(a.id, b.id)
  );
}

/** The agenda from items gathered from every source: unique by id, stalled supersedes red, ordered. */
export function orderAgenda(items: readonly AgendaItem[]): AgendaItem[] {
  const byId = new Map<string, AgendaItem>();
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, item);
  const stalled = new Set([...byId.values()].filter((i) => i.category === 'stalled').map((i) => i.project.code));
  return [...byId.values()].filter((i) => !(i.category === 'redWarning' && stalled.has(i.project.code))).sort(compareAgendaItems);
}

export interface RecipientItems {
  recipient: Recipient;
  mentionMobiles: string[];
  items: AgendaItem[];
}

/** Stable key of a recipient, used in event keys. */
export const recipientKey = (r: Recipient): string => `${r.kind}:${r.id}`;

export function departmentRecipient(id: string, config: Pick<MeetingConfig, 'directory'>): { recipient: Recipient; mentionMobiles: string[] } {
  const entry = config.directory.departments[id];
  return { recipient: { kind: 'department', id, name: entry?.name ?? id }, mentionMobiles: entry?.mobiles ?? [] };
}

export function leaderRecipient(name: string, config: Pick<MeetingConfig, 'directory'>): { recipient: Recipient; mentionMobiles: string[] } {
  return { recipient: { kind: 'leader', id: name, name }, mentionMobiles: config.directory.leaders[name]?.mobiles ?? [] };
}

/**
 * Everyone with an agenda item, each with their own items in agenda order: departments first,
 * then city leaders, each in the order they first appear on the agenda.
 */
export function recipientsOf(agenda: readonly AgendaItem[], config: Pick<MeetingConfig, 'directory'>): RecipientItems[] {
  const departments = new Map<string, RecipientItems>();
  const leaders = new Map<string, RecipientItems>();
  for (const item of agenda) {
    const d = departments.get(item.department.id) ?? { ...departmentRecipient(item.department.id, config), items: [] };
    if (d.recipient.name === d.recipient.id) d.recipient = { ...d.recipient, name: item.department.name };
    d.items.push(item);
    departments.set(item.department.id, d);
    if (item.leader) {
      const l = leaders.get(item.leader) ?? { ...leaderRecipient(item.leader, config), items: [] };
      l.items.push(item);
      leaders.set(item.leader, l);
    }
  }
  return [...departments.values(), ...leaders.values()];
}

/** Who must attend: the names of every department and leader with an agenda item. */
export function attendeesOf(recipients: readonly RecipientItems[]): string[] {
  return recipients.map((r) => r.recipient.name);
}
