import type { HasChange } from './versions';
import { condition, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { endOfStep } from './step';
import type { KeyflowActivities } from '../../activities';
import type { DataVersion, EventData, EventType, VersionedEventData, VersionedEventType } from '../../schemas/events/catalog';
import type { EmitRequest } from '../../schemas/events/envelope';

const { publishEvent, publishEvents } = proxyActivities<KeyflowActivities>({
  startToCloseTimeout: '30 seconds',
  // Events must never be lost: keep retrying through a broker outage, backing off to a minute.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The fast path (patch 'outbox-local-send'): the same send as a local activity, run by the worker
 * inside the workflow task that queued the events and recorded as a marker of that task, so an
 * approval and its event need no activity task and no second workflow task. One attempt, bounded
 * well below the workflow task's timeout: when the broker is slow or away the outbox falls back to
 * the activity above, which retries until the broker is back, and stays on it until a send
 * succeeds. A send cut off by the bound may still reach Kafka; the retry then sends the same event
 * ids again, which consumers remove (at least once, as with any retried send).
 */
const { publishEvents: publishEventsNow } = proxyLocalActivities<KeyflowActivities>({
  startToCloseTimeout: '3 seconds',
  retry: { maximumAttempts: 1 },
});

/**
 * Bounds of one batch: far below Temporal's payload limit (2 MiB) and the publisher's produce
 * request (activities/events/publisher.ts PRODUCE_LIMITS), so a batch always goes as one request.
 */
export const OUTBOX_BATCH = { maxEvents: 200, maxBytes: 256 * 1024 } as const;

/** The first events of the queue that fit the batch bounds (at least one). */
export function nextBatch(queue: readonly EmitRequest[]): EmitRequest[] {
  let bytes = 0;
  let n = 0;
  while (n < queue.length && n < OUTBOX_BATCH.maxEvents) {
    bytes += JSON.stringify(queue[n]).length;
    if (n > 0 && bytes > OUTBOX_BATCH.maxBytes) break;
    n += 1;
  }
  return queue.slice(0, n);
}

/**
 * The workflow's ordered outbox of domain events. State changes are recorded at once; events
 * go out in the order they happened, so one subject's events keep their order on Kafka even
 * while the broker is away. A state change is never rolled back because Kafka is down: the
 * event waits here, durably in the workflow's history, until it is sent.
 *
 * Workflows that started before the 'outbox-batches' patch send one event per activity, as
 * their histories recorded; newer ones send everything queued (within OUTBOX_BATCH) in one
 * activity and one produce request, with the same event ids. Since 'outbox-step-batches' a batch
 * is taken once the step has settled, so a review's assignments and the approvals that came with
 * its start go in one send; before it, after one microtask (the events of one handler).
 */
export class Outbox {
  private queue: EmitRequest[] = [];
  private draining = false;
  private sent = 0;
  private batched: boolean | undefined;
  /** Whether this outbox has the fast path (patch 'outbox-local-send'). */
  private sendNow: boolean | undefined;
  /** Whether a batch waits for the end of the step (patch 'outbox-step-batches'). */
  private wholeStep: boolean | undefined;
  /** Off after a failed local send, until a durable send succeeds. */
  private brokerAnswers = true;

  /** `has`: the workflow's changes (shared/versions.ts), where it counts the outbox's among them. */
  constructor(
    private readonly subject: string,
    pending: EmitRequest[] = [],
    private readonly has: HasChange = patched,
  ) {
    this.queue = [...pending];
    if (this.queue.length > 0) void this.drain();
  }

  /**
   * Queues an event; `key` must be unique for this subject and event type. The type must be in
   * the event catalogue and the data of its shape, checked at compile time (and again, at run
   * time, by the publishing activity).
   */
  add<T extends EventType>(type: T, key: string, data: EventData<T>): void;
  /** Queues an event of a later data version (schemas/events/catalog.ts DATA_VERSIONS). */
  add<T extends VersionedEventType, V extends DataVersion<T>>(type: T, key: string, data: VersionedEventData<T, V>, version: V): void;
  add(type: EventType, key: string, data: unknown, version?: number): void {
    this.queue.push({ type, subject: this.subject, key, time: new Date().toISOString(), data, ...(version !== undefined ? { dataVersion: version } : {}) });
    if (!this.draining) void this.drain();
  }

  get pending(): readonly EmitRequest[] {
    return this.queue;
  }

  get sentCount(): number {
    return this.sent;
  }

  /** Resolves when every queued event has been published. */
  async flushed(): Promise<void> {
    await condition(() => this.queue.length === 0 && !this.draining);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    // Decided once, where the first send is scheduled: the marker sits right before it in history.
    this.batched ??= this.has('outbox-batches');
    // Decided with the batches, at the same point, for outboxes that send in batches only.
    this.sendNow ??= this.batched && this.has('outbox-local-send');
    this.wholeStep ??= this.batched && this.has('outbox-step-batches');
    try {
      if (this.batched) {
        // The events added later in the same step join the batch (deterministic: the step's own order).
        if (this.wholeStep) await endOfStep();
        else await Promise.resolve();
        while (this.queue.length > 0) {
          const batch = nextBatch(this.queue);
          await this.send(batch);
          this.queue.splice(0, batch.length);
          this.sent += batch.length;
        }
      } else {
        while (this.queue.length > 0) {
          await publishEvent(this.queue[0]!);
          this.queue.shift();
          this.sent += 1;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async send(batch: EmitRequest[]): Promise<void> {
    if (this.sendNow && this.brokerAnswers) {
      try {
        await publishEventsNow(batch);
        return;
      } catch {
        this.brokerAnswers = false; // slow or away: the durable path until a send succeeds
      }
    }
    await publishEvents(batch);
    this.brokerAnswers = true;
  }
}
