/**
 * One role matrix (issue "contract", item 7): generated from the route declarations into the
 * OpenAPI document and api/README.md, and held route by route. Every route is called with a token
 * of every role on a server whose Temporal client throws if reached: an allowed role is never
 * refused with 401/403 (its request goes on to validation or the stub, 400/500/2xx), any other role
 * gets 403 — decided by the role check before a handler runs, so no Temporal is needed.
 * A department calls with its own department in the path (`scope` would refuse another's: checked
 * separately). Real sockets: jest cannot load fastify.inject's ES-module dependencies.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashToken, newToken, tokenStore } from '../../api/auth';
import { openApiDocument } from '../../api/openapi';
import { ROLES, roleAllowed } from '../../api/roleMatrix';
import { currentRoleMatrixReadme } from '../../api/roleMatrixReadme';
import type { AnyRouteDef } from '../../api/route';
import { buildServer, routesOf } from '../../api/server';
import { openUserStore } from '../../api/users';
import type { Role } from '../../schemas/api';

// Service tokens for the roles a token file takes; an enterprise is a user with its projects and a token of its own.
const tokens: Record<Role, string> = { department: newToken(), supervisor: newToken(), meetingOffice: newToken(), admin: newToken(), enterprise: '' };
const store = tokenStore({
  tokens: ROLES.filter((r) => r !== 'enterprise').map((role) => ({ id: `t-${role.toLowerCase()}`, role, ...(role === 'department' ? { department: 'fgw' } : {}), hash: hashToken(tokens[role]) })),
});
const usersDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-role-matrix-'));
const users = openUserStore(path.join(usersDir, 'users.json'), { scrypt: { logN: 4, r: 1, p: 1 } });
const unreachable = new Proxy({}, { get: () => { throw new Error('Temporal must not be reached'); } });
const app = buildServer({ ctx: { client: unreachable as never, taskQueue: 'none' }, tokens: store, users, logger: false });

/** A concrete path for a route: valid samples for every path parameter, the caller's own department. */
const SAMPLES: Record<string, string> = { code: '2026-411122-13-03-000001', stage: 'landUsePlanning', dept: 'fgw', week: '2026-W41', id: 'fu-1', tourId: 'tour-a', orderId: 'o-1' };
const concrete = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => SAMPLES[name] ?? 'x');

let base = '';
let routes: readonly AnyRouteDef[] = [];
beforeAll(async () => {
  const now = new Date('2026-03-02T01:00:00Z');
  await users.add({ id: 'qiye', name: '示例企业联络员', roles: ['enterprise'], enterprise: { name: '示例企业', projects: [SAMPLES.code] } }, now);
  tokens.enterprise = (await users.addToken('qiye', undefined, now)).token;
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  routes = routesOf(app);
});
afterAll(async () => {
  await app.close();
  fs.rmSync(usersDir, { recursive: true, force: true });
});

async function call(method: string, url: string, role: Role) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${tokens[role]}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    body: method === 'POST' ? '{}' : undefined,
  });
  await res.arrayBuffer();
  return res.status;
}

describe('the role matrix', () => {
  it('holds route by route for every role', async () => {
    expect(routes.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    let checked = 0;
    for (const def of routes) {
      for (const role of ROLES) {
        const status = await call(def.method, concrete(def.url), role);
        checked++;
        // GET /session answers a person only: a service token is "not signed in" (401) by contract.
        const person = def.operationId === 'currentSession' && role !== 'enterprise';
        if (person ? status !== 401 : roleAllowed(def, role) ? status === 401 || status === 403 : status !== 403) wrong.push(`${def.method} ${def.url} as ${role}: ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(routes.length * ROLES.length);
  });

  it('lets supervisors open and close supervision orders, and no department or meeting office', () => {
    const open = routes.find((r) => r.operationId === 'openSupervisionOrder')!;
    const close = routes.find((r) => r.operationId === 'closeSupervisionOrder')!;
    for (const def of [open, close]) expect(ROLES.filter((r) => roleAllowed(def, r))).toEqual(['supervisor', 'admin']);
  });

  it("narrows what scope refuses: a department's token on another department's path is 403", async () => {
    expect(await call('GET', '/departments/zrzy/inbox', 'department')).toBe(403);
    expect(await call('POST', concrete('/projects/:code/reviews/:stage/tasks/zrzy/actions'), 'department')).toBe(403);
  });

  it('names every narrowing: a route with scope or authorize says how, for the matrix', () => {
    expect(routes.filter((r) => (r.scope || r.authorize) && !r.narrowed).map((r) => r.operationId)).toEqual([]);
  });

  it('is in the OpenAPI document per operation and as a table', () => {
    const doc = openApiDocument(routes) as { info: { description: string }; paths: Record<string, Record<string, Record<string, unknown>>> };
    const op = doc.paths['/projects/{code}/supervision-orders']!.post!;
    expect(op['x-keyflow-roles']).toEqual(['supervisor', 'admin']);
    expect(doc.paths['/departments/{dept}/inbox']!.get!['x-keyflow-role-limits']).toEqual({ department: 'own' });
    expect(doc.info.description).toContain('| POST `/projects/{code}/supervision-orders` |');
  });

  it('is current in api/README.md (npx tsx scripts/role-matrix.ts rewrites it)', async () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'api', 'README.md'), 'utf8');
    expect(await currentRoleMatrixReadme(readme)).toBe(readme);
  });
});
