import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Health, Principal } from '../../schemas/api';
import { ReferenceData } from '../../schemas/reference';
import { loadReferenceData } from '../../seeds';
import { EVERYONE } from '../auth';
import { openApiDocument } from '../openapi';
import { addRoute, type ApiDeps } from '../route';
import { readModelLag } from '../readModelLag';

const HEALTH_TIMEOUT_MS = 2000;

/** Health, the OpenAPI document, the caller's identity and the reference data. */
export async function systemRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  addRoute(app, deps, {
    method: 'GET',
    url: '/healthz',
    operationId: 'health',
    summary: 'Liveness, and whether Temporal answers (no token needed)',
    tag: 'system',
    access: 'public',
    response: Health,
    handler: async () => {
      const temporal = await Promise.race([
        deps.ctx.client.workflowService.getSystemInfo({}).then(() => 'ok' as const),
        new Promise<'unreachable'>((resolve) => setTimeout(() => resolve('unreachable'), HEALTH_TIMEOUT_MS).unref()),
      ]).catch(() => 'unreachable' as const);
      const fresh = deps.ctx.readModel ? await readModelLag(deps.ctx.readModel) : undefined;
      const readModel = fresh ? { lag: fresh.lag, at: fresh.asOf } : undefined;
      return { status: temporal === 'ok' ? ('ok' as const) : ('degraded' as const), temporal, ...(readModel ? { readModel } : {}) };
    },
  });

  let document: unknown;
  addRoute(app, deps, {
    method: 'GET',
    url: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This OpenAPI 3 document (no token needed)',
    tag: 'system',
    access: 'public',
    response: z.record(z.string(), z.unknown()),
    handler: async () => {
      // Built on first request: by then every plugin has added its routes.
      document ??= openApiDocument(deps.registry);
      return document as Record<string, unknown>;
    },
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/whoami',
    operationId: 'whoAmI',
    summary: 'The role (and department, user) the presented token or session stands for',
    tag: 'system',
    access: EVERYONE,
    response: Principal,
    handler: async ({ principal }) => principal,
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/reference',
    operationId: 'referenceData',
    summary: 'Counties and districts, departments and industries (ids and names)',
    tag: 'system',
    // Names only, nothing of any project: an enterprise's page needs them too.
    access: EVERYONE,
    response: ReferenceData,
    handler: async () => loadReferenceData(),
  });
}
