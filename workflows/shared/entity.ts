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
  return ApplicationFailure.nonRetryable(r.message, r.type, r.details);
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

  update<Req extends { requestId: string }, R>(def: UpdateDefinition<R, [never]>, rule: UpdateRule<S, Req, R>): void {
    const handle = (raw: unknown): Promise<R> => {
      const req = this.parse(rule, raw);
      const now = new Date();
      return this.o.ledger.once(req.requestId, rule.kind, rule.what(req), req, now.toISOString(), () => this.decideAndApply(rule, req, now)) as Promise<R>;
    };
    const serial = this.o.serial;
    setHandler(def as UpdateDefinition<R, [unknown]>, serial ? (raw) => serial.run(() => handle(raw)) : handle, {
      validator: (raw) => {
        const req = parseOrRefuse(rule.schema, raw, 'input') as Req;
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

  private parse<Req>(rule: { schema: z.ZodType<Req, z.ZodTypeDef, unknown> }, raw: unknown): Req {
    const kept = typeof raw === 'object' && raw !== null ? this.parsed.get(raw) : undefined;
    if (kept !== undefined) return kept as Req;
    return parseOrRefuse(rule.schema, raw, 'input');
  }

  private decideAndApply<Req extends { requestId: string }, R>(rule: UpdateRule<S, Req, R>, req: Req, now: Date): Promise<R> {
    const verdict = rule.decide(this.o.state(), req, now);
    const settle = (d: Decision<S, R>): R => {
      if (isRefusal(d)) throw failureOf(d);
      return this.apply(d, now);
    };
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
