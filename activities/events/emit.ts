import { ApplicationFailure } from '@temporalio/common';
import { eventTypeInfo, UnknownEventType } from '../../schemas/events/catalog';
import { CloudEvent, EmitRequest } from '../../schemas/events/envelope';
import { FailureType } from '../../schemas/errors';
import { issuesOf } from '../../schemas/validation';
import { eventId } from './eventId';
import { EventPublisher, Published } from './publisher';

/**
 * Builds the CloudEvent for a workflow's request and publishes it. Bad event data is a bug in
 * the workflow, not a passing fault, so it fails without retry.
 */
export async function emitEvent(publisher: EventPublisher, request: EmitRequest): Promise<Published> {
  let info;
  try {
    info = eventTypeInfo(request.type);
  } catch (err) {
    if (err instanceof UnknownEventType) throw ApplicationFailure.nonRetryable(err.message, FailureType.InvalidEvent);
    throw err;
  }
  const data = info.data.safeParse(request.data);
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
    data: data.data,
  };
  return publisher.publish(info.topic, CloudEvent.parse(event));
}
