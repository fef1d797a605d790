import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import type { Decided, DecidedEvent, Decision } from '../../domain/decision';
import { isRefusal, type Refusal } from '../../domain/refusal';
import type { Outbox } from './outbox';
import { parseOrRefuse } from './refusal';
import type { RequestLedger } from './requestLedger';
import type { Serial } from './serial';

/** A refusal from a pure rule, as the failure the caller receives (non-retryable: the request changes nothing). */
export function failureOf(r: Refusal): ApplicationFailure {
  return ApplicationFailure.create({ type: r.type, message: r.message, nonRetryable: true, details: r.details === undefined ? [] : [r.details] });
}

/** How one kind of update is decided: the request's schema, its ledger entry, the pure rule. */
export interface UpdateRule<S, Req extends { requestId: string }, R> {
  schema: z.ZodType<Req, z.ZodTypeDef, unknown>;
  /** The ledger's kind of request: a request id's fingerprint is taken per kind. */
  kind: string;
  /** What the request is, as a person reads it: the ledger names a reused id's first use by it. */
  what: (req: Req) => string;
  /**
   * The rule: the current state in, the new state with its events and the caller's result out,
   * or a refusal. Asynchronous only where it must ask the worker (a calendar answer): such rules
   * run in the entity's serial section.
   */
  decide: (state: S, req: Req, now: Date) => Decision<S, R> | Promise<Decision<S, R>>;
  /**
   * The validator's check, when `decide` cannot run there (it awaits): refuses on the current
   * state and changes nothing. Without it the validator runs `decide` itself and discards the result.
   */
  check?: (state: S, req: Req, now: Date) => Refusal | undefined;
  /** What a malformed request's field issues are named under; default 'input', '' for the bare field names. */
  input?: string;
  /** Runs after the entity's `applied` hook, for this kind of update only. */
  applied?: (decided: Decided<S, R>, before: S, now: Date) => void;
}

export interface EntityOptions<S> {
  state: () => S;
  ledger: RequestLedger<unknown>;
  outbox: Outbox;
  /** Present where some rule awaits: every update of the entity then runs in it, in arrival order. */
  serial?: Serial;
  /**
   * Runs after a decision is applied and its events queued: what the workflow keeps besides the
   * state (search attributes, an audit line, a wake-up of its main loop).
   */
  applied?: (decided: Decided<S, unknown>, before: S, now: Date) => void;
  /** Replaces the state (the workflow keeps it where its queries read it). */
  set: (next: S) => void;
}

/**
 * The one handler path of an entity workflow (project, review stage, meeting, follow-ups, tour):
 * parse once, the request-id ledger, serialisation, the pure rule, apply, emit. Register every
 * update through it before the workflow's first await, so a request that arrives with the start
 * finds its handler (and, with a serial section, waits behind the start).
 *
 * The validator parses the request and keeps the parsed value for the handler (the same
 * argument object reaches both); on replay validators do not run and the handler parses. A
 * repeated request id gets the first answer, also while the first is still awaiting; the same id
 * with a different request is refused as RequestIdReused. A synchronous rule is applied in the
 * same step as the update arrives, so its commands keep the order they had before this path.
 */
export class EntityPath<S> {
  private readonly parsed = new WeakMap<object, unknown>();

  constructor(private readonly o: EntityOptions<S>) {}

  update<Req extends { requestId: string }, R>(def: UpdateDefinition<R, [unknown]>, rule: UpdateRule<S, Req, R>): void {
    const serial = this.o.serial;
    const handle = (raw: unknown): Promise<R> => {
      const req = this.parse(rule, raw);
      const now = new Date();
      const ledger = this.o.ledger;
      const what = rule.what(req);
      const at = now.toISOString();
      if (!serial && !ledger.has(req.requestId) && !ledger.answering(req.requestId)) {
        const verdict = rule.decide(this.o.state(), req, now);
        if (verdict instanceof Promise) return ledger.once(req.requestId, rule.kind, what, req, at, () => verdict.then((d) => this.settle(rule, d, now))) as Promise<R>;
        // A synchronous rule is answered in this step, recorded without awaiting the ledger: the
        // update's completion is a command too, and an await here would let the main loop's
        // commands (a child started, a timer) overtake it.
        try {
          const result = this.settle(rule, verdict, now);
          ledger.record(req.requestId, rule.kind, what, req, at, result);
          return Promise.resolve(result);
        } catch (err) {
          return Promise.reject(err);
        }
      }
      return ledger.once(req.requestId, rule.kind, what, req, at, () => this.decideAndApply(rule, req, now)) as Promise<R>;
    };
    setHandler(def as UpdateDefinition<R, [unknown]>, serial ? (raw) => serial.run(() => handle(raw)) : handle, {
      validator: (raw) => {
        const req = parseOrRefuse(rule.schema, raw, rule.input ?? 'input') as Req;
        if (typeof raw === 'object' && raw !== null) this.parsed.set(raw, req);
        if (this.o.ledger.check(req.requestId, rule.kind, req)) return;
        const now = new Date();
        const verdict = rule.check ? rule.check(this.o.state(), req, now) : rule.decide(this.o.state(), req, now);
        if (verdict instanceof Promise) return; // an asynchronous rule without a check: the handler decides
        if (isRefusal(verdict)) throw failureOf(verdict);
      },
    });
  }

  /** Applies a decision made outside an update (a timer, a signal): the same state, events and hook. */
  apply<R>(d: Decided<S, R>, now: Date): R {
    const before = this.o.state();
    this.o.set(d.state);
    for (const e of d.events) this.emit(e);
    this.o.applied?.(d as Decided<S, unknown>, before, now);
    return d.result;
  }

  private emit(e: DecidedEvent): void {
    if (e.version === undefined) this.o.outbox.add(e.type, e.key, e.data as never);
    else this.o.outbox.add(e.type, e.key, e.data as never, e.version as never);
  }

  private parse<Req>(rule: { schema: z.ZodType<Req, z.ZodTypeDef, unknown>; input?: string }, raw: unknown): Req {
    const kept = typeof raw === 'object' && raw !== null ? this.parsed.get(raw) : undefined;
    if (kept !== undefined) return kept as Req;
    return parseOrRefuse(rule.schema, raw, rule.input ?? 'input');
  }

  private settle<Req extends { requestId: string }, R>(rule: UpdateRule<S, Req, R>, d: Decision<S, R>, now: Date): R {
    if (isRefusal(d)) throw failureOf(d);
    const before = this.o.state();
    const result = this.apply(d, now);
    rule.applied?.(d, before, now);
    return result;
  }

  private decideAndApply<Req extends { requestId: string }, R>(rule: UpdateRule<S, Req, R>, req: Req, now: Date): Promise<R> {
    const verdict = rule.decide(this.o.state(), req, now);
    const settle = (d: Decision<S, R>): R => this.settle(rule, d, now);
    // A synchronous rule is applied at once (no microtask between the request and its commands).
    if (!(verdict instanceof Promise)) {
      try {
        return Promise.resolve(settle(verdict));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return verdict.then(settle);
  }
}
