import { ApplicationFailure } from '@temporalio/common';
import { dataschemaOf, eventTypeInfo, UnknownEventType } from '../../schemas/events/catalog';
import { CloudEvent, EmitRequest } from '../../schemas/events/envelope';
import { FailureType } from '../../schemas/errors';
import { issuesOf } from '../../schemas/validation';
import { eventId } from './eventId';
import { EventPublisher, publishInOrder, type Outgoing, type Published } from './publisher';

/**
 * The CloudEvent for a workflow's request, on its catalogue topic. Bad event data is a bug in
 * the workflow, not a passing fault, so it fails without retry.
 */
export function buildEvent(request: EmitRequest): Outgoing {
  let info;
  try {
    info = eventTypeInfo(request.type);
  } catch (err) {
    if (err instanceof UnknownEventType) throw ApplicationFailure.nonRetryable(err.message, FailureType.InvalidEvent);
    throw err;
  }
  const version = request.dataVersion ?? 1;
  const schema = info.versions.get(version);
  if (!schema) throw ApplicationFailure.nonRetryable(`event ${request.type} has no data version ${version}`, FailureType.InvalidEvent);
  const data = schema.safeParse(request.data);
  if (!data.success) {
    throw ApplicationFailure.nonRetryable(`event ${request.type} has bad data`, FailureType.InvalidEvent, issuesOf(data.error, 'data'));
  }
  const event: CloudEvent = {
    specversion: '1.0',
    id: eventId(info.source, request.type, request.subject, request.key),
    source: info.source,
    type: request.type,
    subject: request.subject,
    time: request.time,
    datacontenttype: 'application/json',
    ...(version > 1 ? { dataschema: dataschemaOf(request.type, version) } : {}),
    data: data.data,
  };
  return { topic: info.topic, event: CloudEvent.parse(event) };
}

/** Builds the CloudEvent for a workflow's request and publishes it. */
export async function emitEvent(publisher: EventPublisher, request: EmitRequest): Promise<Published> {
  const { topic, event } = buildEvent(request);
  return publisher.publish(topic, event);
}

/**
 * An outbox's batch: every event is checked before any is sent (one bad event sends none), then
 * all go in order in one produce request. A retry sends the same ids again; consumers drop the
 * repeats by id, as for one event.
 */
export async function emitEvents(publisher: EventPublisher, requests: EmitRequest[]): Promise<Published[]> {
  return publishInOrder(publisher, requests.map(buildEvent));
}
