import type { Client } from '@temporalio/client';
import { EmitRequest } from '../schemas/events/envelope';
import { emitEvent } from './events/emit';
import { EventPublisher, Published } from './events/publisher';

export interface ActivityDeps {
  publisher: EventPublisher;
  /** Temporal client, for activities that read live state through visibility and queries. */
  client?: Client;
}

/**
 * All of keyflow's activities, bound to their dependencies. Workflows see only the type
 * (`proxyActivities<KeyflowActivities>`), so no I/O module enters the workflow bundle.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    /** Publishes one domain event to Kafka; idempotent by event id. */
    async publishEvent(request: EmitRequest): Promise<Published> {
      return emitEvent(deps.publisher, request);
    },
  };
}
export type KeyflowActivities = ReturnType<typeof createActivities>;
