import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FollowUpTimes } from '../../domain/meeting/followUps';
import type { EmitRequest } from '../../schemas/events/envelope';
import type { CloseFollowUpRequest, FollowUpItem, MeetingConfig } from '../../schemas/meeting';

/** The one long-lived workflow that tracks every follow-up item (督办事项) to closure. */
export const FOLLOW_UP_TRACKER_ID = 'keyflow-follow-ups';

/** A follow-up item with the times it is chased (computed when decided, recorded in history). */
export interface TrackedFollowUp {
  item: FollowUpItem;
  times: FollowUpTimes;
  /** Chasing steps already taken: `remind:<date>`, `escalate`. */
  done: string[];
}

export interface FollowUpTrackerInput {
  config: MeetingConfig;
  /** Present when continuing as new. */
  carried?: {
    items: TrackedFollowUp[];
    pendingEvents: EmitRequest[];
    answered: Array<[string, unknown]>;
  };
}

/** Adds items decided by a meeting; items already known (by id) are ignored. */
export const addFollowUpsSignal = defineSignal<[TrackedFollowUp[]]>('addFollowUps');

/** Closes an open item (办结); needs a note saying what was done. */
export const closeFollowUpUpdate = defineUpdate<FollowUpItem, [CloseFollowUpRequest]>('closeFollowUp');

/** Items in decision order; `status` filters. */
export const getFollowUpsQuery = defineQuery<FollowUpItem[], [{ status?: 'open' | 'closed' }?]>('getFollowUps');
