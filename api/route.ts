import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ClientContext } from '../client/projects';
import type { Principal, Role } from '../schemas/api';
import { ValidationError, issuesOf } from '../schemas/validation';
import { bearerToken, type Access, type TokenStore } from './auth';
import { withAliases } from '../client/aliases';
import { AnswerOutsideSchema, forbidden, invalid, unauthorized } from './errors';
import { bodyTextIssues, refuseIssues } from './jsonBody';

/**
 * A route declared by its contract: zod schemas for path, query, body and answer (the same
 * schemas the workflows use), who may call it, and what it does. `addRoute` registers it with
 * Fastify and records it for the OpenAPI document, so the document cannot drift from the routes.
 *
 * Order of checks, so that a refused request tells nothing and changes nothing:
 * token (401) → role (403) → scope by path (403) → path and query (400) → `authorize` (403,
 * may read workflow state) → body (400) → handler.
 */
export interface RouteDef<
  P extends z.ZodTypeAny = z.ZodTypeAny,
  Q extends z.ZodTypeAny = z.ZodTypeAny,
  B extends z.ZodTypeAny = z.ZodTypeAny,
  R extends z.ZodTypeAny = z.ZodTypeAny,
  A extends Access = Access,
> {
  method: 'GET' | 'POST';
  /** Fastify syntax, `/projects/:code`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: A;
  /**
   * How `scope`, `authorize` or the workflow narrow a role that `access` lets in, in a few words
   * for the role matrix (`department: 'own'`). Required for a route with `scope` or `authorize`.
   */
  narrowed?: Partial<Record<Role, string>>;
  /** Refuses by the raw path alone, before anything is parsed (another department's inbox): the reason, or null. */
  scope?: (principal: Principal, params: Record<string, string>) => string | null;
  params?: P;
  query?: Q;
  body?: B;
  /** The body as documented, when the validated body also takes fields from the path. */
  bodyDoc?: z.ZodTypeAny;
  /** Completes the raw body from the path and the caller before it is validated. */
  prepareBody?: (raw: unknown, params: z.output<P>, principal: Principal) => unknown;
  /** Refusals that need workflow state (the project's lead department), after path and query parse. */
  authorize?: (input: { params: z.output<P>; query: z.output<Q>; principal: Principal }) => Promise<void>;
  response: R;
  status?: 200 | 201;
  /** Refusal statuses to document besides 400, 401 and 403. */
  refusals?: number[];
  /** Content type of the answer when it is not JSON (e.g. text/html). */
  produces?: string;
  handler(input: {
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    principal: A extends 'public' ? undefined : Principal;
    request: FastifyRequest;
  }): Promise<z.input<R>>;
}

// The registry holds routes of every shape; their handlers are only called through addRoute.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteDef = RouteDef<any, any, any, any, any>;

export interface ApiDeps {
  ctx: ClientContext;
  tokens: TokenStore;
  /** Every route added, in order, for the OpenAPI document. */
  registry: AnyRouteDef[];
  /**
   * Every answer is checked against its schema and a mismatch fails with 500, never leaving as a
   * wrong body. Strict (tests): the 500's body names the broken fields. Otherwise (production)
   * it carries only an incident id, which the error log line carries with the fields.
   */
  strictResponses: boolean;
  /** The clock for "now" in answers (overdue, working days left). */
  now: () => Date;
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** The caller of an authenticated request. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

function parse<S extends z.ZodTypeAny>(schema: S | undefined, value: unknown, where: 'path' | 'query' | 'body'): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  const r = schema.safeParse(withAliases(value, where));
  if (!r.success) throw invalid(new ValidationError(issuesOf(r.error)), where);
  return r.data;
}

/** Registers `def` on `app` and records it in the registry. */
export function addRoute<P extends z.ZodTypeAny, Q extends z.ZodTypeAny, B extends z.ZodTypeAny, R extends z.ZodTypeAny, A extends Access>(
  app: FastifyInstance,
  deps: ApiDeps,
  def: RouteDef<P, Q, B, R, A>,
): void {
  deps.registry.push(def);
  app.route({
    method: def.method,
    url: def.url,
    onRequest: async (request, reply) => {
      if (def.access === 'public') return;
      void reply.header('cache-control', 'no-store');
      const token = bearerToken(request.headers.authorization);
      if (!token) throw unauthorized('no token: send the header Authorization: Bearer <token>');
      const principal = deps.tokens.verify(token);
      if (!principal) throw unauthorized('the token is not known (revoked, mistyped or from another installation)');
      principals.set(request, principal);
      request.log = request.log.child({ tokenId: principal.tokenId });
      if (!(def.access as readonly string[]).includes(principal.role)) {
        throw forbidden(`a ${principal.role} token may not call ${def.method} ${def.url} (${def.summary}); allowed: ${(def.access as readonly string[]).join(', ')}`);
      }
      const refusal = def.scope?.(principal, request.params as Record<string, string>);
      if (refusal) throw forbidden(refusal);
    },
    handler: async (request, reply) => {
      const principal = principals.get(request);
      // The body's strings are checked by the JSON parser; the path's and the query's here.
      const textIssues = [...bodyTextIssues(request.params, 'path'), ...bodyTextIssues(request.query ?? {}, 'query')];
      if (textIssues.length > 0) throw refuseIssues(textIssues);
      const params = parse(def.params, request.params, 'path');
      const query = parse(def.query, request.query ?? {}, 'query');
      if (def.authorize && principal) await def.authorize({ params, query, principal });
      const raw = def.prepareBody && principal ? def.prepareBody(request.body, params, principal) : request.body;
      const body = parse(def.body, raw, 'body');
      const result = await def.handler({ params, query, body, principal: principal as never, request });
      if (!def.produces) {
        const checked = def.response.safeParse(result);
        if (!checked.success) throw new AnswerOutsideSchema(def.operationId, issuesOf(checked.error), deps.strictResponses);
      } else {
        void reply.type(def.produces);
      }
      void reply.status(def.status ?? 200);
      return result;
    },
  });
}

/** Refuses a department token acting for another department through the body's `actor`. */
export function actorFor(raw: unknown, principal: Principal): unknown {
  if (principal.role !== 'department' || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const body = raw as { actor?: unknown };
  if (body.actor === null || typeof body.actor !== 'object' || Array.isArray(body.actor)) return raw;
  const actor = body.actor as { department?: unknown };
  if (actor.department !== undefined && actor.department !== principal.department) {
    throw forbidden(`a token of ${principal.department} may act only for ${principal.department}, not for ${String(actor.department)}`);
  }
  return { ...body, actor: { ...actor, department: principal.department } };
}
