import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import type { Decided, DecidedEvent, Decision } from '../../domain/decision';
import { isRefusal, type Refusal } from '../../domain/refusal';
import type { Outbox } from './outbox';
import { parseOrRefuse } from './refusal';
import type { RequestLedger } from './requestLedger';
import type { Serial } from './serial';

/**
 * A refusal from a pure rule, as the failure the caller receives (non-retryable: the request
 * changes nothing). A refusal without details carries none, as `refuse()` in shared/refusal.ts.
 */
export function failureOf(r: Refusal): ApplicationFailure {
  return r.details === undefined ? ApplicationFailure.nonRetryable(r.message, r.type) : ApplicationFailure.nonRetryable(r.message, r.type, r.details);
}

/**
 * How one kind of update is decided: the request's schema, its ledger entry, the pure rule and,
 * where the caller waits for more than the decision, its answer. `R` is what the rule decides,
 * `A` what the caller receives (R unless `answer` says otherwise).
 */
export interface UpdateRule<S, Req extends object, R, A = R> {
  schema: z.ZodType<Req, z.ZodTypeDef, unknown>;
  /** Where a request that does not parse is refused: its issues are named under `as` ('input' unless said). */
  as?: string;
  /** The refusal of a request that does not parse, for a workflow that words it its own way. */
  invalid?: (error: z.ZodError) => Refusal;
  /**
   * The ledger's kind of request: a request id's fingerprint is taken per kind. Without it the
   * request carries no id and is not de-duplicated (a tour's score sheet: one per inspector anyway).
   */
  kind?: string;
  /** What the request is, as a person reads it: the ledger names a reused id's first use by it. */
  what?: (req: Req) => string;
  /**
   * The rule: the current state in, the new state with its events and the caller's result out,
   * or a refusal. Asynchronous only where it must ask the worker (a calendar answer, a due date):
   * such a rule reads the state it decides on after its last await, or runs in the serial section.
   */
  decide: (state: S, req: Req, now: Date) => Decision<S, R> | Promise<Decision<S, R>>;
  /**
   * The validator's check: refuses on the current state and changes nothing. Without it the
   * validator runs `decide` itself and discards the result, so an asynchronous rule (one that
   * asks an activity) must give a check: a validator must schedule nothing.
   */
  check?: (state: S, req: Req, now: Date) => Refusal | undefined;
  /**
   * What the caller receives, once the decision is applied: for an update that also waits for
   * the work the decision started (an activity, the publication). Called in the same step as
   * the apply, so the commands it schedules follow the decision's at once.
   */
  answer?: (result: R, req: Req) => A | Promise<A>;
  /**
   * A repeated request id gets the first attempt's answer even when that attempt failed (the
   * meeting's decisions: a due date the calendar could not place is not asked again). The ledger
   * names the request from the first attempt on, with `true` for its result.
   */
  keepsFailures?: boolean;
}

export interface EntityOptions<S> {
  state: () => S;
  ledger: RequestLedger<unknown>;
  outbox: Outbox;
  /** Present where some rule awaits: every update of the entity then runs in it, in arrival order. */
  serial?: Serial;
  /**
   * Runs after a decision is applied and its events queued: what the workflow keeps besides the
   * state (search attributes, an audit line, a wake-up of its main loop). `request` is the update's
   * parsed request (absent for decisions applied from a timer or a signal).
   */
  applied?: (decided: Decided<S, unknown>, before: S, now: Date, request?: object) => void;
  /** Replaces the state (the workflow keeps it where its queries read it). */
  set: (next: S) => void;
}

/**
 * The one handler path of an entity workflow (project, review stage, meeting, follow-ups, tour):
 * parse, the request-id ledger, serialisation, the pure rule, apply, emit. A new workflow
 * registers every update through it before its first await, so a request that arrives with the
 * start finds its handler (and, with a serial section, waits behind the start); a converted one
 * registers where it always did (its histories recorded the handlers there).
 *
 * The validator parses the request, asks the ledger and runs the rule's check; the handler
 * parses again (Temporal hands the validator and the handler separate copies of the argument,
 * and on replay validators do not run). A repeated request id gets the first answer, also while
 * the first is still awaiting; the same id with a different request is refused by the validator
 * as RequestIdReused. A synchronous rule is decided, applied and recorded in the step the update
 * arrives in, and its handler answers synchronously: commands and answers keep the order they
 * had before this path. An asynchronous rule adds no await before its own first one.
 */
export class EntityPath<S> {
  /** First attempts of `keepsFailures` rules, failures included. */
  private readonly attempts = new Map<string, Promise<unknown>>();

  constructor(private readonly o: EntityOptions<S>) {}

  update<Req extends object, R, A = R, Args extends unknown[] = [unknown]>(def: UpdateDefinition<A, Args>, rule: UpdateRule<S, Req, R, A>): void {
    const handle = (raw: unknown): A | Promise<A> => {
      const req = this.parse(rule, raw);
      const now = new Date();
      if (rule.kind === undefined) return this.decideAndApply(rule, req, now);
      return this.once(rule, req, rule.kind, now);
    };
    const serial = this.o.serial;
    setHandler(def as unknown as UpdateDefinition<A, [unknown]>, serial ? (raw) => serial.run(() => handle(raw) as Promise<A>) : handle, {
      validator: (raw) => {
        const req = this.parse(rule, raw);
        if (rule.kind !== undefined && this.o.ledger.check(idOf(req), rule.kind, req as Record<string, unknown>)) return;
        const now = new Date();
        const verdict = rule.check ? rule.check(this.o.state(), req, now) : rule.decide(this.o.state(), req, now);
        if (verdict instanceof Promise) {
          verdict.catch(() => undefined);
          return; // an asynchronous rule without a check: the handler decides
        }
        if (isRefusal(verdict)) throw failureOf(verdict);
      },
    });
  }

  /** Applies a decision made outside an update (a timer, a signal): the same state, events and hook. */
  apply<R>(d: Decided<S, R>, now: Date, request?: object): R {
    const before = this.o.state();
    this.o.set(d.state);
    for (const e of d.events) this.emit(e);
    this.o.applied?.(d as Decided<S, unknown>, before, now, request);
    return d.result;
  }

  private emit(e: DecidedEvent): void {
    if (e.version === undefined) this.o.outbox.add(e.type, e.key, e.data as never);
    else this.o.outbox.add(e.type, e.key, e.data as never, e.version as never);
  }

  private parse<Req extends object>(rule: Pick<UpdateRule<S, Req, never>, 'schema' | 'as' | 'invalid'>, raw: unknown): Req {
    if (!rule.invalid) return parseOrRefuse(rule.schema, raw, rule.as ?? 'input');
    const r = rule.schema.safeParse(raw);
    if (!r.success) throw failureOf(rule.invalid(r.error));
    return r.data;
  }

  /** The ledger's answer to a repeat, or the decision's, recorded under the request id. */
  private once<Req extends object, R, A>(rule: UpdateRule<S, Req, R, A>, req: Req, kind: string, now: Date): A | Promise<A> {
    const ledger = this.o.ledger;
    const id = idOf(req);
    const what = rule.what ? rule.what(req) : kind;
    const at = now.toISOString();
    const request = req as Record<string, unknown>;
    if (rule.keepsFailures) {
      const first = this.attempts.get(id);
      if (first) return first as Promise<A>;
      let attempt: Promise<A>;
      try {
        attempt = Promise.resolve(this.decideAndApply(rule, req, now));
      } catch (err) {
        attempt = Promise.reject(err);
      }
      this.attempts.set(id, attempt);
      ledger.record(id, kind, what, request, at, true);
      return attempt;
    }
    if (ledger.has(id)) return ledger.prior(id) as A;
    const flying = ledger.pending(id);
    if (flying) return flying as Promise<A>;
    const answer = this.decideAndApply(rule, req, now);
    if (!(answer instanceof Promise)) {
      ledger.record(id, kind, what, request, at, answer);
      return answer;
    }
    return ledger.once(id, kind, what, request, at, () => answer) as Promise<A>;
  }

  /** Decides and applies; a synchronous rule (with a synchronous answer) answers, or throws, at once. */
  private decideAndApply<Req extends object, R, A>(rule: UpdateRule<S, Req, R, A>, req: Req, now: Date): A | Promise<A> {
    const settle = (d: Decision<S, R>): A | Promise<A> => {
      if (isRefusal(d)) throw failureOf(d);
      const result = this.apply(d, now, req);
      return rule.answer ? rule.answer(result, req) : (result as unknown as A);
    };
    const verdict = rule.decide(this.o.state(), req, now);
    return verdict instanceof Promise ? verdict.then(settle) : settle(verdict);
  }
}

function idOf(req: object): string {
  const id = (req as { requestId?: unknown }).requestId;
  if (typeof id !== 'string') throw new TypeError('an update with a ledger kind must carry a requestId');
  return id;
}
