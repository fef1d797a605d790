import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { ErrorBody } from '../schemas/api';
import { roleMatrixMarkdown } from './roleMatrix';
import type { AnyRouteDef } from './route';

/**
 * The OpenAPI 3.0.3 document, built from the routes' own zod schemas (zod-to-json-schema,
 * OpenAPI 3.0 dialect). Schemas are inlined: the zod schemas are the single source, and every
 * operation reads on its own. Query parameters take the schema's input side (strings), bodies too
 * (defaults and refinements are the server's business, described in words where they matter).
 */

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: 'Validation failed: `issues` name each field and the rule it broke',
  401: 'No token, or a token the server does not know',
  403: 'The token\'s role or department may not do this',
  404: 'No such project, review, task, meeting or follow-up item',
  409: 'The current state refuses the request (IllegalTransition, ApprovalsIncomplete, ProjectClosed, TaskClosed, ProjectAlreadyRegistered, DecisionsClosed, FollowUpClosed, MonthNotClosed)',
  422: 'UnknownHolidayYear: the working-day calendar has no holiday notice for a year the request needs',
};

export function jsonSchemaOf(schema: z.ZodTypeAny): JsonSchema {
  // Typed loosely: zod-to-json-schema's generic over every zod type is too deep for tsc here.
  const convert = zodToJsonSchema as (s: unknown, o: Record<string, unknown>) => JsonSchema;
  // 'strict': zod objects drop unknown keys rather than refuse them, so only .strict() ones say additionalProperties: false.
  const out = convert(schema, { target: 'openApi3', $refStrategy: 'none', effectStrategy: 'input', pipeStrategy: 'input', removeAdditionalStrategy: 'strict' });
  delete out.$schema;
  return nullInNullableEnums(out) as JsonSchema;
}

/**
 * OpenAPI 3.0.3 (and validators reading it, such as ajv) allow null in an enum only when the enum
 * lists it, whatever `nullable` says; zod-to-json-schema leaves it out, so a nullable enum
 * (`dropped: 'highest' | 'lowest' | null`) would refuse its own null answers.
 */
function nullInNullableEnums(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullInNullableEnums);
  if (node === null || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'enum' ? v : nullInNullableEnums(v)])) as Record<string, unknown>;
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

/** The fields of an object schema (through refinements): each field's own schema, whether it may be left out, its description. */
function fieldsOf(schema: z.ZodTypeAny): Array<{ name: string; schema: z.ZodTypeAny; optional: boolean; description?: string }> {
  let s: z.ZodTypeAny = schema;
  while (s instanceof z.ZodEffects) s = s.innerType();
  if (!(s instanceof z.ZodObject)) throw new Error('path and query schemas must be objects');
  return Object.entries(s.shape as Record<string, z.ZodTypeAny>).map(([name, field]) => {
    const description = field.description;
    let inner = field;
    while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner instanceof z.ZodOptional ? inner.unwrap() : inner.removeDefault();
    return { name, schema: inner, optional: field.isOptional(), ...(description ? { description } : {}) };
  });
}

function parameters(def: AnyRouteDef): unknown[] {
  const out: unknown[] = [];
  if (def.params) {
    for (const f of fieldsOf(def.params)) out.push({ name: f.name, in: 'path', required: true, schema: jsonSchemaOf(f.schema) });
  }
  if (def.query) {
    for (const f of fieldsOf(def.query)) {
      out.push({ name: f.name, in: 'query', required: !f.optional, ...(f.description ? { description: f.description } : {}), schema: jsonSchemaOf(f.schema) });
    }
  }
  return out;
}

const errorResponse = (status: number) => ({
  description: STATUS_TEXT[status] ?? 'Refused',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operation(def: AnyRouteDef): Record<string, unknown> {
  const isPublic = def.access === 'public';
  const narrowed = Object.entries(def.narrowed ?? {});
  const roles = isPublic
    ? 'anyone, no token'
    : (def.access as readonly string[]).map((r) => (def.narrowed?.[r as keyof typeof def.narrowed] ? `${r} (${def.narrowed[r as keyof typeof def.narrowed]})` : r)).join(', ');
  const refusals = [...new Set([...(def.body || def.query || def.params ? [400] : []), ...(isPublic ? [] : [401, 403]), ...(def.refusals ?? [])])].sort();
  const responses: Record<string, unknown> = {
    [String(def.status ?? 200)]: {
      description: 'Success',
      content: { [def.produces ?? 'application/json']: { schema: def.produces ? { type: 'string' } : jsonSchemaOf(def.response) } },
    },
  };
  for (const s of refusals) responses[String(s)] = errorResponse(s);
  return {
    operationId: def.operationId,
    summary: def.summary,
    description: `${def.description ? `${def.description}\n\n` : ''}Who may call: ${roles}.`,
    tags: [def.tag],
    'x-keyflow-roles': isPublic ? [] : def.access,
    ...(narrowed.length > 0 ? { 'x-keyflow-role-limits': Object.fromEntries(narrowed) } : {}),
    security: isPublic ? [] : [{ bearerToken: [] }],
    parameters: parameters(def),
    ...(def.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(def.bodyDoc ?? def.body) } } } } : {}),
    responses,
  };
}

/** `/projects/:code` → `/projects/{code}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export function openApiDocument(routes: readonly AnyRouteDef[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of routes) {
    const path = openApiPath(def.url);
    paths[path] ??= {};
    paths[path][def.method.toLowerCase()] = operation(def);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'keyflow API',
      version: '1.0.0',
      description:
        'Key projects (重点项目) of the city: lifecycle, joint review and approval (联审联批), the weekly meeting (周例会), supervision (督查) and rankings. ' +
        'Every request except /healthz, /openapi.json and /dashboard needs `Authorization: Bearer <token>`; the token\'s role decides what it may do (see api/README.md). ' +
        'Errors are `{ error, message, issues: [{ field, rule, in }] }` everywhere, the framework\'s own refusals included (404, 405 with Allow, 413, 414, 415); a 500 carries an `incident` id that the server log carries too. Lists page with `?limit=&cursor=` and answer `{ items, nextCursor }`.\n\n' +
        '## Who may call what\n\nEach operation lists its roles in `x-keyflow-roles` (and `x-keyflow-role-limits` where a role is narrowed).\n\n' +
        roleMatrixMarkdown(routes),
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'projects', description: 'Registration, listing, state and history, monthly reports, stage changes' },
      { name: 'reviews', description: 'Joint review and approval: stage reviews, department inboxes, task actions' },
      { name: 'meetings', description: 'The weekly meeting: agendas, decisions, follow-up items' },
      { name: 'supervision', description: 'Stalled projects, overdue approvals, warning lights per county' },
      { name: 'rankings', description: 'Four-compare results and inspection-tour rankings' },
      { name: 'calendar', description: 'The working-day calendar: provisional years, loading a holiday notice without a restart' },
      { name: 'system', description: 'Health, this document, identity, reference data' },
      { name: 'people', description: 'Sign-in and sessions, users and their API tokens' },
    ].filter((t) => routes.some((r) => r.tag === t.name)),
    paths,
    components: {
      securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from the token file (role and department bound to it).' } },
      schemas: { Error: jsonSchemaOf(ErrorBody) },
    },
  };
}
