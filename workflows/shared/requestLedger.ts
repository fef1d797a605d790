import { FailureType } from '../../schemas/errors';
import { fingerprintOf } from '../../domain/requestFingerprint';
import { refuse } from './refusal';

/**
 * What a workflow answered, by request id (幂等键). A request repeated under its id — a retry, a
 * double click, a replayed import — gets the first answer and changes nothing. The same id sent
 * with a different request is refused as RequestIdReused, naming what the id was first used for:
 * answering it with the first request's result would drop the user's new submission without a word.
 *
 * Deterministic (workflow-safe): the fingerprint is a canonical JSON of the parsed request without
 * its id, hashed with FNV-1a. Update validators call `check` (refusing there changes nothing and
 * is never replayed); handlers call `prior` and `record`, which never refuse, so histories recorded
 * before the check existed replay as they ran.
 */
export interface LedgerEntry<R = unknown> {
  /** What the id was first used for, as a person reads it: `reportProgress 2026-11`. */
  what: string;
  fingerprint: string;
  at: string;
  result: R;
}

/** An entry carried over from a run that kept only results (before fingerprints): a repeat of it is always answered. */
interface LegacyEntry<R> {
  legacy: true;
  result: R;
}

type Entry<R> = LedgerEntry<R> | LegacyEntry<R>;

const isLedgerEntry = (v: unknown): v is LedgerEntry =>
  typeof v === 'object' && v !== null && 'fingerprint' in v && 'what' in v && 'result' in v && typeof (v as { fingerprint: unknown }).fingerprint === 'string';

export class RequestLedger<R = unknown> {
  private readonly entries = new Map<string, Entry<R>>();
  /** Requests whose handler is still awaiting (a calendar answer, a child's start): a repeat waits for the same answer. */
  private readonly inFlight = new Map<string, { what: string; fingerprint: string; at: string; answer: Promise<R> }>();

  /** `carried`: the entries a previous run handed over (`toCarried()`), old result-only ones included. */
  constructor(
    carried: ReadonlyArray<readonly [string, unknown]> = [],
    private readonly kept = 500,
  ) {
    for (const [id, v] of carried) this.entries.set(id, isLedgerEntry(v) ? (v as LedgerEntry<R>) : { legacy: true, result: v as R });
  }

  /**
   * For validators: whether `requestId` repeats an earlier request (then the handler answers it);
   * refuses RequestIdReused when the id was used for a different one.
   */
  check(requestId: string, kind: string, request: Record<string, unknown>): boolean {
    const e = this.entries.get(requestId) ?? this.inFlight.get(requestId);
    if (!e) return false;
    if ('legacy' in e) return true;
    if (e.fingerprint === fingerprintOf(kind, request)) return true;
    const rule = `was already used at ${e.at} for ${e.what}; use a new request id for a new request`;
    return refuse(FailureType.RequestIdReused, `request id ${requestId} ${rule}`, [{ field: 'requestId', rule }]);
  }

  /**
   * Runs a handler that awaits once per request id: a repeat that arrives while the first is still
   * awaiting gets the same answer instead of running it twice; afterwards the answer is recorded.
   */
  async once(requestId: string, kind: string, what: string, request: Record<string, unknown>, at: string, run: () => Promise<R>): Promise<R> {
    const done = this.entries.get(requestId);
    if (done) return done.result;
    const flying = this.inFlight.get(requestId);
    if (flying) return flying.answer;
    const answer = run();
    this.inFlight.set(requestId, { what, fingerprint: fingerprintOf(kind, request), at, answer });
    try {
      const result = await answer;
      this.record(requestId, kind, what, request, at, result);
      return result;
    } finally {
      this.inFlight.delete(requestId);
    }
  }

  /** The answer a request still awaiting under `requestId` will give, if any (handlers: a repeat waits for it). */
  pending(requestId: string): Promise<R> | undefined {
    return this.inFlight.get(requestId)?.answer;
  }

  /** The first answer given under `requestId`, if any (handlers: never refuses). */
  prior(requestId: string): R | undefined {
    return this.entries.get(requestId)?.result;
  }

  /** What `requestId` was used for, for callers that compare a request after the workflow has closed. */
  use(requestId: string): { what: string; fingerprint: string; at: string } | null {
    const e = this.entries.get(requestId);
    return e && !('legacy' in e) ? { what: e.what, fingerprint: e.fingerprint, at: e.at } : null;
  }

  has(requestId: string): boolean {
    return this.entries.has(requestId);
  }

  record(requestId: string, kind: string, what: string, request: Record<string, unknown>, at: string, result: R): void {
    this.entries.set(requestId, { what, fingerprint: fingerprintOf(kind, request), at, result });
    while (this.entries.size > this.kept) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The entries to hand to the next run when continuing as new. */
  toCarried(): Array<[string, unknown]> {
    return [...this.entries.entries()].map(([id, e]) => [id, 'legacy' in e ? e.result : e]);
  }
}
