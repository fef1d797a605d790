/**
 * The follow-up tracker's rule (督办事项办结): closing an open item with a note. Pure; the tracker
 * workflow applies the decision through workflows/shared/entity.ts.
 */
import { FailureType } from '../../schemas/errors';
import type { CloseFollowUpRequest, FollowUpItem } from '../../schemas/meeting';
import { decided, type Decision } from '../decision';
import { refuse } from '../refusal';

/** The items the tracker holds, by id, in the order they were added (chasing walks them in it). */
export type TrackedItems<T extends { item: FollowUpItem }> = ReadonlyMap<string, T>;

type CloseRequest = Pick<CloseFollowUpRequest, 'itemId' | 'note' | 'actor'>;

/** Closes item `req.itemId` at `now`; refused when there is no such item or it is already closed. */
export function closeFollowUp<T extends { item: FollowUpItem }>(items: TrackedItems<T>, req: CloseRequest, now: Date): Decision<TrackedItems<T>, FollowUpItem> {
  const t = items.get(req.itemId);
  if (!t) return refuse(FailureType.FollowUpNotFound, `no follow-up item ${req.itemId}`);
  if (t.item.status === 'closed') return refuse(FailureType.FollowUpClosed, `follow-up item ${t.item.id} was closed at ${t.item.closedAt}`);
  const item: FollowUpItem = { ...t.item, status: 'closed', closedAt: now.toISOString(), closedBy: req.actor.by, closingNote: req.note };
  // Same position in the map: the tracker chases its items in the order they came.
  const next = new Map(items).set(item.id, { ...t, item });
  return decided(next, item, [{ type: 'cn.keyflow.meeting.followUpClosed', key: `closed:${item.id}`, data: { item } }]);
}
