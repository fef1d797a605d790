import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KeyflowError } from '../client/errors';
import type { ApiIssue, ErrorBody } from '../schemas/api';
import { issueInChinese, labelOf, refusalInChinese } from '../schemas/chinese';
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

/**
 * An answer that does not match the route's declared response schema. It never leaves as it is:
 * the request fails with 500. With `strict` (tests) the body names the broken fields; otherwise
 * only an incident id, which the log line carries too.
 */
export class AnswerOutsideSchema extends Error {
  override name = 'AnswerOutsideSchema';
  constructor(
    readonly operationId: string,
    readonly issues: ApiIssue[],
    readonly strict: boolean,
  ) {
    super(`${operationId}: the answer does not match its schema: ${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`);
  }
}

/** Fastify's own refusals (codes of fastify/lib/errors.js), as keyflow names them. */
const FRAMEWORK_ERRORS: Record<string, { status: number; error: string; message: string; issue?: ApiIssue }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: FailureType.ValidationFailed, message: 'the body is not valid JSON', issue: { field: '(body)', rule: 'must be a JSON object', in: 'body' } },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: FailureType.ValidationFailed, message: 'the body is empty', issue: { field: '(body)', rule: 'is required: send a JSON object', in: 'body' } },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'BadRequest', message: 'the Content-Length header does not match the body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'PayloadTooLarge', message: 'the body is larger than the API takes (1 MiB)' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'UnsupportedMediaType', message: 'send the body as application/json (Content-Type: application/json)' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, error: 'BadRequest', message: 'the Content-Type header is not valid' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, error: 'UriTooLong', message: 'a path segment is longer than the API takes (100 characters)' },
  FST_ERR_BAD_URL: { status: 400, error: FailureType.ValidationFailed, message: 'the path is not a valid URL', issue: { field: '(path)', rule: 'must be percent-encoded UTF-8', in: 'path' } },
};

const STATUS_NAMES: Record<number, string> = { 400: 'BadRequest', 404: 'NotFound', 405: 'MethodNotAllowed', 408: 'RequestTimeout', 413: 'PayloadTooLarge', 414: 'UriTooLong', 415: 'UnsupportedMediaType', 431: 'HeadersTooLarge' };

/** Status and body of any error thrown by a route; `internal` says it must be logged as a fault. */
export function describeError(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (err instanceof ApiError) return { status: err.status, body: { error: err.type, message: err.message, issues: err.issues }, internal: false };
  if (err instanceof ValidationError) {
    const e = invalid(err, 'body');
    return { status: 400, body: { error: e.type, message: e.message, issues: e.issues }, internal: false };
  }
  if (err instanceof AnswerOutsideSchema) {
    const body = err.strict
      ? { error: err.name, message: err.message, issues: err.issues }
      : { error: 'Internal', message: 'internal error: the answer could not be checked against its contract', issues: [] };
    return { status: 500, body, internal: true };
  }
  if (err instanceof KeyflowError) {
    const status = statusOf(err.type);
    if (status >= 500) return internal();
    return { status, body: { error: err.type, message: err.message, issues: err.issues.map((i) => ({ field: i.field, rule: i.rule })) }, internal: false };
  }
  const fe = err as FastifyError;
  const known = typeof fe?.code === 'string' ? FRAMEWORK_ERRORS[fe.code] : undefined;
  if (known) return { status: known.status, body: { error: known.error, message: known.message, issues: known.issue ? [known.issue] : [] }, internal: false };
  if (err instanceof SyntaxError) return describeError(Object.assign(new Error(), { code: 'FST_ERR_CTP_INVALID_JSON_BODY' }));
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { error: STATUS_NAMES[fe.statusCode] ?? 'BadRequest', message: fe.message, issues: [] }, internal: false };
  }
  return internal();
}

function internal() {
  return { status: 500, body: { error: 'Internal', message: 'internal error', issues: [] }, internal: true };
}

/**
 * The body as people read it: the message in Chinese, each issue with its field's Chinese label;
 * `error`, `field` and `rule` stay the machine's words, and the English message stays in `messageEn`.
 */
export function inChinese(body: ErrorBody): ErrorBody {
  return {
    ...body,
    message: refusalInChinese(body.error, body.message, body.issues),
    messageEn: body.message,
    issues: body.issues.map((i) => ({ ...i, label: labelOf(i.field), message: issueInChinese(i) })),
  };
}

/** `Accept-Language: en…` first asks for the English texts (scripts written against them); anyone else reads Chinese. */
function wantsEnglish(request: FastifyRequest): boolean {
  return /^\s*en\b/i.test(String(request.headers['accept-language'] ?? ''));
}

/** Sends a described error; a fault gets an incident id, in the body and in its log line. */
function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, internal: isInternal } = describeError(err);
  let sent: ErrorBody = body;
  if (isInternal) {
    const incident = randomUUID();
    const detail = err instanceof AnswerOutsideSchema ? { operationId: err.operationId, issues: err.issues } : {};
    request.log.error({ err, incident, ...detail }, err instanceof AnswerOutsideSchema ? 'answer does not match its schema' : 'request failed');
    sent = { ...body, message: `${body.message} (incident ${incident}; the server log has the details under this id)`, incident };
  } else if (status === 401 || status === 403) {
    request.log.info({ refusal: body.error, status }, body.message);
  }
  if (!wantsEnglish(request)) sent = inChinese(sent);
  if (status === 401) void reply.header('www-authenticate', 'Bearer realm="keyflow"');
  void reply.header('content-language', wantsEnglish(request) ? 'en' : 'zh-CN');
  void reply.status(status).type('application/json; charset=utf-8').send(sent);
}

/** Methods a route may be declared with; the rest answer 405 on a known path. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Installs the JSON error answers on the root instance: route errors, Fastify's own refusals
 * (`frameworkErrors` in buildServer), 404 for an unknown path and 405 with `Allow` for a known
 * path asked with a method it does not take. Call before any route is added: it watches them
 * being added to know which paths take which methods.
 */
export function installErrorHandling(app: FastifyInstance): void {
  const known: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (route) => {
    const escaped = route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
    const source = `^${escaped}/?$`;
    let entry = known.find((k) => k.pattern.source === new RegExp(source).source);
    if (!entry) known.push((entry = { pattern: new RegExp(source), methods: new Set() }));
    for (const m of [route.method].flat()) entry.methods.add(m.toUpperCase());
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
  });
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = new Set(known.filter((k) => k.pattern.test(path)).flatMap((k) => [...k.methods]));
    if (allowed.size > 0) {
      const allow = METHODS.filter((m) => allowed.has(m)).join(', ');
      void reply.header('allow', allow);
      sendError(new ApiError(405, 'MethodNotAllowed', `${path} does not take ${request.method}; it takes ${allow}`), request, reply);
      return;
    }
    sendError(new ApiError(404, 'NotFound', `no route ${request.method} ${path}`), request, reply);
  });
}

/** For Fastify's `frameworkErrors` option: refusals made before any route is found, in keyflow's format. */
export function frameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendError(err, request, reply);
}
