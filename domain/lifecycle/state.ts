import { appendEntry } from '../audit/chain';
import { decided, type Decided, type DecidedEvent } from '../decision';
import type { Actor } from '../../schemas/common';
import type { ProjectState } from '../../schemas/lifecycle';
import type { LifecycleConfig } from '../../schemas/lifecycleConfig';

/**
 * What the lifecycle's rules decide on: the project's state (what queries show and each run
 * carries to the next) and the counter the workflow numbers event keys and problem ids by. The
 * counter lives beside the state, not in it, because the state's shape is what clients read.
 */
export interface Lifecycle {
  state: ProjectState;
  eventSeq: number;
}

/** The thresholds and limits the rules need from the city's lifecycle configuration. */
export type LifecycleRulesConfig = Pick<LifecycleConfig, 'warning' | 'stall'>;

/**
 * One decision in the making: a shallow copy of the state that the rule replaces parts of
 * (never mutating the state it was given: a validator runs the same rule and drops the result),
 * the events in the order they happen, and the audit chain's new entries. Module-private to
 * domain/lifecycle; rules hand back `done(result)`.
 */
export class Draft {
  state: ProjectState;
  eventSeq: number;
  readonly events: DecidedEvent[] = [];
  /** Every instant a decision records: the workflow's clock, frozen for the step. */
  readonly at: string;

  constructor(
    from: Lifecycle,
    readonly now: Date,
    readonly config: LifecycleRulesConfig,
  ) {
    this.state = { ...from.state };
    this.eventSeq = from.eventSeq;
    this.at = now.toISOString();
  }

  /** A key unique for the project: `what:N`, N counting every numbered key of the project. */
  nextKey(what: string): string {
    return `${what}:${++this.eventSeq}`;
  }

  emit(event: DecidedEvent): void {
    this.events.push(event);
  }

  /**
   * Appends an action to the project's hash chain (留痕); answers the new head for the action's
   * event, undefined in runs that keep no chain (started before patch project-audit-chain).
   */
  audit(kind: string, key: string, actor: Actor, data: Record<string, unknown>): string | undefined {
    if (!this.state.audit) return undefined;
    const { chain, entry } = appendEntry(this.state.audit, { at: this.at, kind, key, actor, data: JSON.parse(JSON.stringify(data)) as Record<string, unknown> });
    this.state.audit = chain;
    return entry.hash;
  }

  done<R>(result: R): Decided<Lifecycle, R> {
    return decided({ state: this.state, eventSeq: this.eventSeq }, result, this.events);
  }
}
