import { condition, proxyActivities } from '@temporalio/workflow';
import type { KeyflowActivities } from '../../activities';
import type { EmitRequest } from '../../schemas/events/envelope';

const { publishEvent } = proxyActivities<KeyflowActivities>({
  startToCloseTimeout: '30 seconds',
  // Events must never be lost: keep retrying through a broker outage, backing off to a minute.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The workflow's ordered outbox of domain events. State changes are recorded at once; events
 * go out one at a time in the order they happened, so one subject's events keep their order on
 * Kafka even while the broker is away. A state change is never rolled back because Kafka is
 * down: the event waits here, durably in the workflow's history, until it is sent.
 */
export class Outbox {
  private queue: EmitRequest[] = [];
  private draining = false;
  private sent = 0;

  constructor(private readonly subject: string, pending: EmitRequest[] = []) {
    this.queue = [...pending];
    if (this.queue.length > 0) void this.drain();
  }

  /** Queues an event; `key` must be unique for this subject and event type. */
  add(type: string, key: string, data: unknown): void {
    this.queue.push({ type, subject: this.subject, key, time: new Date().toISOString(), data });
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
    try {
      while (this.queue.length > 0) {
        await publishEvent(this.queue[0]!);
        this.queue.shift();
        this.sent += 1;
      }
    } finally {
      this.draining = false;
    }
  }
}
