import { z } from 'zod';
import { Actor, Instant } from './common';

/**
 * A project's tamper-evident record (domain/audit/chain.ts): each action of the project is an
 * entry with the hash of the entry before it. `GET /projects/{code}/audit` answers the chain,
 * `/audit/verify` (and `keyflow audit verify CODE`) the verdict.
 */

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex (64 characters)');

export const AuditEntry = z.object({
  /** Position in the chain, from 0. */
  seq: z.number().int().nonnegative(),
  at: Instant,
  /** What happened: registered, reported, corrected, stageChanged, orderOpened, orderClosed, annualPlanSet, reviewReapplied; reviewAction and reviewDecided forwarded by the project's joint reviews. */
  kind: z.string().min(1).max(40),
  /** The action's own key (the request id, or the month, stage, order). */
  key: z.string().max(200),
  actor: Actor,
  /** The action's facts as recorded. */
  data: z.record(z.string(), z.unknown()),
  /** The hash of the entry before (64 zeros for the first). */
  prev: Sha256Hex,
  /** SHA-256 over the canonical JSON (RFC 8785) of seq, at, kind, key, actor, data and prev. */
  hash: Sha256Hex,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditVerdict = z.object({
  ok: z.boolean(),
  entries: z.number().int().nonnegative(),
  /** The last entry's hash: the one a project event carries as `auditHead`. */
  head: Sha256Hex,
  firstBroken: z.object({ seq: z.number().int(), kind: z.string(), key: z.string(), reason: z.string() }).optional(),
});
export type AuditVerdict = z.infer<typeof AuditVerdict>;

export const AuditChain = z.object({ code: z.string(), entries: z.array(AuditEntry), head: Sha256Hex });

/**
 * What a joint-review (联审联批) workflow forwards to its project's chain (signal
 * `reviewActionRecorded`, patch review-actions-on-project-chain): a task's audit line — approve,
 * reject, return for supplement, 容缺, resubmission, hand-in, a cancellation — or the stage's
 * outcome. The project workflow appends it; the review keeps its own audit as before.
 */
export const ReviewChainRecord = z.object({
  projectCode: z.string().min(1),
  stageId: z.string().min(1),
  /** The review attempt's workflow id (a re-application has its own). */
  reviewWorkflowId: z.string().min(1),
  kind: z.enum(['reviewAction', 'reviewDecided']),
  /** The request id of the action, or a key naming the line (stage, department, action, instant). */
  key: z.string().min(1).max(200),
  actor: Actor,
  data: z.record(z.string(), z.unknown()),
});
export type ReviewChainRecord = z.infer<typeof ReviewChainRecord>;
