/**
 * The API's contract at its edges (issue "contract", item 8 and the response-schema rule), without
 * a stack: every refusal in keyflow's `{ error, message, issues }` format — the framework's own
 * included —, keys and text the body may not carry, `limit` as an integer in the schema, and
 * answers that never leave outside their schema. Real sockets: jest cannot load fastify.inject's
 * ES-module dependencies.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hashToken, newToken, tokenStore } from '../../api/auth';
import { frameworkError, installErrorHandling } from '../../api/errors';
import { openApiDocument } from '../../api/openapi';
import { addRoute, type AnyRouteDef } from '../../api/route';
import { buildServer, routesOf } from '../../api/server';
import { escalationIssues } from '../../domain/supervision';
import { Reason } from '../../schemas/common';
import { ErrorBody } from '../../schemas/api';

const admin = newToken();
const store = tokenStore({ tokens: [{ id: 'admin', role: 'admin', hash: hashToken(admin) }] });
const unreachable = new Proxy({}, { get: () => { throw new Error('Temporal must not be reached'); } });
const auth = { authorization: `Bearer ${admin}` };

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}

async function send(base: string, method: string, url: string, opts: { headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${base}${url}`, { method, headers: opts.headers, body: opts.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json: json as z.infer<typeof ErrorBody> };
}

describe('refusals in one format', () => {
  const app = buildServer({ ctx: { client: unreachable as never, taskQueue: 'none' }, tokens: store, logger: false });
  let base = '';
  beforeAll(async () => {
    base = await listen(app);
  });
  afterAll(() => app.close());
  const json = { ...auth, 'content-type': 'application/json' };

  const expectFormat = (body: unknown) => expect(ErrorBody.strict().safeParse(body).success).toBe(true);

  it('404 for an unknown path, 405 with Allow for a method a known path does not take', async () => {
    const nf = await send(base, 'GET', '/nosuch', { headers: auth });
    expect(nf.status).toBe(404);
    expect(nf.json.error).toBe('NotFound');
    expectFormat(nf.json);
    for (const method of ['DELETE', 'PUT', 'PATCH']) {
      const r = await send(base, method, '/projects', { headers: auth });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD, POST');
      expect(r.json.error).toBe('MethodNotAllowed');
      expectFormat(r.json);
    }
    const withParam = await send(base, 'DELETE', '/projects/2026-411122-13-03-000001', { headers: auth });
    expect(withParam.status).toBe(405);
    expect(withParam.headers.get('allow')).toBe('GET, HEAD');
  });

  it('413, 414 and 415 in keyflow format', async () => {
    const big = await send(base, 'POST', '/projects', { headers: json, body: JSON.stringify({ name: 'x'.repeat(1100 * 1024) }) });
    expect([big.status, big.json.error]).toEqual([413, 'PayloadTooLarge']);
    expectFormat(big.json);
    const long = await send(base, 'GET', `/projects/${'9'.repeat(300)}`, { headers: auth });
    expect([long.status, long.json.error]).toEqual([414, 'UriTooLong']);
    expectFormat(long.json);
    const media = await send(base, 'POST', '/projects', { headers: { ...auth, 'content-type': 'text/plain' }, body: 'hello' });
    expect([media.status, media.json.error]).toEqual([415, 'UnsupportedMediaType']);
    expectFormat(media.json);
  });

  it('refuses __proto__, constructor and prototype keys as 400 naming the key, not as unreadable JSON', async () => {
    const proto = await send(base, 'POST', '/projects', { headers: json, body: '{"name":"a","__proto__":{"admin":true}}' });
    expect(proto.status).toBe(400);
    expect(proto.json.issues).toEqual([expect.objectContaining({ field: '__proto__', rule: expect.stringMatching(/must not be used as a key/), in: 'body' })]);
    const ctor = await send(base, 'POST', '/projects', { headers: json, body: '{"contacts":[{"constructor":{"prototype":{}}}]}' });
    expect(ctor.json.issues).toEqual([expect.objectContaining({ field: 'contacts.0.constructor', rule: expect.stringMatching(/must not be used as a key/), in: 'body' })]);
    const garbage = await send(base, 'POST', '/projects', { headers: json, body: '{oops' });
    expect(garbage.json).toMatchObject({ message: '填写有误：请求内容不是有效的 JSON', messageEn: 'the body is not valid JSON' });
  });

  it('refuses lone surrogates and control characters in any text: body, keys, query', async () => {
    const lone = await send(base, 'POST', '/projects', { headers: json, body: '{"name":"a\\ud800b","owner":"ok\\nok\\tok"}' });
    expect(lone.status).toBe(400);
    expect(lone.json.issues).toEqual([expect.objectContaining({ field: 'name', rule: expect.stringMatching(/lone UTF-16 surrogates/), in: 'body' })]);
    const ctl = await send(base, 'POST', '/projects', { headers: json, body: '{"x":["ok","bell\\u0007"]}' });
    expect(ctl.json.issues).toEqual([expect.objectContaining({ field: 'x.1', rule: expect.stringMatching(/control characters/), in: 'body' })]);
    const q = await send(base, 'GET', '/projects?county=%00', { headers: auth });
    expect(q.status).toBe(400);
    expect(q.json.issues).toContainEqual(expect.objectContaining({ field: 'county', rule: expect.stringMatching(/control characters/), in: 'query' }));
    // The same rule in the schemas, for callers that are not the API (workflows, CLI).
    expect(Reason.safeParse('原因\ud800').success).toBe(false);
    expect(Reason.safeParse('原因 😀 𠀀\n第二行').success).toBe(true);
  });

  it('documents limit as an integer 1–200 and refuses it outside', async () => {
    const doc = openApiDocument(routesOf(app)) as { paths: Record<string, { get: { parameters: Array<{ name: string; schema: unknown }> } }> };
    const limit = doc.paths['/projects']!.get.parameters.find((p) => p.name === 'limit');
    expect(limit?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
    for (const bad of ['0', '201', '1.5', 'x', '-1', '1e2']) {
      const r = await send(base, 'GET', `/projects?limit=${bad}`, { headers: auth });
      expect([bad, r.status, r.json.issues[0]?.field]).toEqual([bad, 400, 'limit']);
    }
  });
});

describe('answers outside their schema', () => {
  /** A server with one route whose answer breaks its schema. */
  async function lying(strict: boolean) {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const app = Fastify({ logger: { level: 'info', stream }, frameworkErrors: frameworkError });
    installErrorHandling(app);
    const registry: AnyRouteDef[] = [];
    addRoute(app, { ctx: {} as never, tokens: store, registry, strictResponses: strict, now: () => new Date('2026-03-02T01:00:00Z') }, {
      method: 'GET',
      url: '/lie',
      operationId: 'lie',
      summary: 'answers outside its schema',
      tag: 'system',
      access: 'public',
      response: z.object({ count: z.number().int() }),
      handler: async () => ({ count: 'many' }) as never,
    });
    const base = await listen(app);
    return { app, base, lines };
  }

  it('fails the request naming the fields when strict (tests)', async () => {
    const { app, base } = await lying(true);
    const r = await send(base, 'GET', '/lie');
    await app.close();
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ error: 'AnswerOutsideSchema', issues: [{ field: 'count' }], incident: expect.any(String) });
  });

  it('answers a 500 with an incident id in production, and logs the fields under the same id', async () => {
    const { app, base, lines } = await lying(false);
    const r = await send(base, 'GET', '/lie');
    await app.close();
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ error: 'Internal', issues: [], incident: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(JSON.stringify(r.json)).not.toContain('many');
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.incident === r.json.incident);
    expect(logged).toMatchObject({ level: 50, operationId: 'lie', issues: [{ field: 'count' }], msg: 'answer does not match its schema' });
  });
});

describe('escalation of a supervision order opened by hand', () => {
  const departments = new Set(['fgw', 'zjj', 'dcs']);
  it('takes departments of the reference data and the responsible leader, and names anyone else', () => {
    expect(escalationIssues(undefined, departments, '王副市长')).toEqual([]);
    expect(escalationIssues(['fgw', '王副市长'], departments, '王副市长')).toEqual([]);
    expect(escalationIssues(['zjj', 'nosuchdept'], departments, '王副市长')).toEqual([
      { field: 'escalateTo.1', rule: expect.stringMatching(/must be a department id of the reference data or the project's responsible leader \(王副市长\); "nosuchdept" is neither/) },
    ]);
  });
});
