import type { FastifyError, FastifyInstance } from 'fastify';
import { KeyflowError } from '../client/errors';
import type { ApiIssue, ErrorBody } from '../schemas/api';
import { FailureType } from '../schemas/errors';
import { ValidationError } from '../schemas/validation';

/**
 * How refusals leave the API. Every error body is `{ error, message, issues }` (ErrorBody).
 *
 * | FailureType                                                   | HTTP |
 * |---------------------------------------------------------------|------|
 * | ValidationFailed                                              | 400  |
 * | (no or unknown token) Unauthorized                            | 401  |
 * | (role or scope) Forbidden, NotTaskOwner, NotTourOrganiser     | 403  |
 * | ProjectNotFound, NotFound, TaskNotFound, MeetingNotFound, FollowUpNotFound, TourNotFound | 404 |
 * | ProjectAlreadyRegistered, TourAlreadyOpened                   | 409  |
 * | IllegalTransition, ApprovalsIncomplete, ProjectClosed, TaskClosed, TourClosed, DecisionsClosed, FollowUpClosed, ReviewNotStarted, RequestIdReused | 409 |
 * | MonthNotClosed (a 四比四看 check of a month not yet ended)    | 409  |
 * | UnknownHolidayYear                                            | 422  |
 * | anything else                                                 | 500 (message hidden, logged) |
 *
 * 409 for every refusal by the current state: the request is well-formed and allowed, but the
 * project, task or meeting is not in a state that accepts it; retrying unchanged will not help
 * until the state changes. 422 for UnknownHolidayYear: the working-day calendar has no holiday
 * notice for a year the request needs, which only loading that notice can fix.
 */
export const STATUS_OF: Readonly<Record<string, number>> = {
  ValidationFailed: 400,
  NotTaskOwner: 403,
  NotTourOrganiser: 403,
  ProjectNotFound: 404,
  NotFound: 404,
  TaskNotFound: 404,
  MeetingNotFound: 404,
  FollowUpNotFound: 404,
  TourNotFound: 404,
  ProjectAlreadyRegistered: 409,
  TourAlreadyOpened: 409,
  IllegalTransition: 409,
  ApprovalsIncomplete: 409,
  ProjectClosed: 409,
  TaskClosed: 409,
  TourClosed: 409,
  DecisionsClosed: 409,
  FollowUpClosed: 409,
  ReviewNotStarted: 409,
  RequestIdReused: 409,
  MonthNotClosed: 409,
  UnknownHolidayYear: 422,
  InvalidEvent: 500,
};

/** A failure name added later and not yet in the table still gets a refusal status by its name. */
export function statusOf(type: string): number {
  const known = STATUS_OF[type];
  if (known !== undefined) return known;
  if (/NotFound$/.test(type)) return 404;
  if (/^Not[A-Z]/.test(type)) return 403;
  if (/Closed$|Already|Illegal|Incomplete/.test(type)) return 409;
  return 500;
}

/** A refusal the API itself makes (authentication, authorisation, a request it cannot read). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }
}

export const unauthorized = (message: string) => new ApiError(401, 'Unauthorized', message);
export const forbidden = (message: string) => new ApiError(403, 'Forbidden', message);

/** Bad input found by the API's own parsing, located in the request. */
export function invalid(err: ValidationError, where: ApiIssue['in']): ApiError {
  const issues = err.issues.map((i) =>
    i.field === '(input)' ? { field: `(${where})`, rule: /^Expected object/.test(i.rule) ? 'must be a JSON object' : i.rule, in: where } : { ...i, in: where },
  );
  return new ApiError(400, FailureType.ValidationFailed, issues.map((i) => `${i.field}: ${i.rule}`).join('; '), issues);
}

/** Status and body of any error thrown by a route; `internal` says it must be logged as a fault. */
export function describeError(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (err instanceof ApiError) return { status: err.status, body: { error: err.type, message: err.message, issues: err.issues }, internal: false };
  if (err instanceof ValidationError) {
    const e = invalid(err, 'body');
    return { status: 400, body: { error: e.type, message: e.message, issues: e.issues }, internal: false };
  }
  if (err instanceof KeyflowError) {
    const status = statusOf(err.type);
    if (status >= 500) return internal();
    return { status, body: { error: err.type, message: err.message, issues: err.issues.map((i) => ({ field: i.field, rule: i.rule })) }, internal: false };
  }
  const fe = err as FastifyError;
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own refusals: unreadable JSON, unsupported media type, body too large.
    const unreadable = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe instanceof SyntaxError;
    const body = unreadable
      ? { error: FailureType.ValidationFailed, message: 'the body is not valid JSON', issues: [{ field: '(body)', rule: 'must be a JSON object', in: 'body' as const }] }
      : { error: fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'UnsupportedMediaType' : 'BadRequest', message: fe.message, issues: [] };
    return { status: fe.statusCode, body, internal: false };
  }
  return internal();
}

function internal() {
  return { status: 500, body: { error: 'Internal', message: 'internal error; the server log has the details', issues: [] }, internal: true };
}

/** Installs the JSON error and not-found answers on the root instance. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const { status, body, internal: isInternal } = describeError(err);
    if (isInternal) request.log.error({ err }, 'request failed');
    else if (status === 401 || status === 403) request.log.info({ refusal: body.error, status }, body.message);
    if (status === 401) void reply.header('www-authenticate', 'Bearer realm="keyflow"');
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { error: 'NotFound', message: `no route ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`, issues: [] };
    void reply.status(404).send(body);
  });
}
