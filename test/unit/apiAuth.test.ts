/**
 * The API's own rules, without a stack: tokens (salted hashes, the token file's checks), the order
 * of refusals (no token before a bad body, a forbidden role before a bad body), the log's view of
 * URLs, cursor pages and the status of each failure type. Requests that pass these checks reach
 * Temporal and are covered by test/e2e/api.test.ts.
 */
import { hashToken, newToken, tokenStore, TokenFileError } from '../../api/auth';
import { statusOf } from '../../api/errors';
import { paginate } from '../../api/pagination';
import { buildServer, loggableUrl } from '../../api/server';
import { FailureType } from '../../schemas/errors';

const admin = newToken();
const fgw = newToken();
const file = {
  tokens: [
    { id: 'admin', role: 'admin', hash: hashToken(admin) },
    { id: 'fgw', role: 'department', department: 'fgw', hash: hashToken(fgw) },
  ],
};

describe('API tokens', () => {
  it('stores a salted hash and recognises only the token itself', () => {
    const h1 = hashToken(admin);
    const h2 = hashToken(admin);
    expect(h1).toMatch(/^sha256:[A-Za-z0-9_-]{16,}:[0-9a-f]{64}$/);
    expect(h1).not.toBe(h2); // a fresh salt each time
    expect(h1).not.toContain(admin);
    const store = tokenStore(file);
    expect(store.verify(admin)).toEqual({ tokenId: 'admin', role: 'admin' });
    expect(store.verify(fgw)).toEqual({ tokenId: 'fgw', role: 'department', department: 'fgw' });
    expect(store.verify(`${admin}x`)).toBeNull();
    expect(store.verify('short')).toBeNull();
    expect(store.verify('x'.repeat(1000))).toBeNull();
  });

  it('refuses a token file with a department token without department, an unknown department or a repeated id', () => {
    const t = { hash: hashToken(newToken()) };
    expect(() => tokenStore({ tokens: [{ id: 'a', role: 'department', ...t }] })).toThrow(/tokens\.0\.department: must name the department/);
    expect(() => tokenStore({ tokens: [{ id: 'a', role: 'supervisor', department: 'fgw', ...t }] })).toThrow(/only goes with role department/);
    expect(() => tokenStore({ tokens: [{ id: 'a', role: 'department', department: 'nosuch', ...t }] })).toThrow(TokenFileError);
    expect(() => tokenStore({ tokens: [{ id: 'a', role: 'admin', ...t }, { id: 'a', role: 'admin', ...t }] })).toThrow(/duplicate token id "a"/);
    expect(() => tokenStore({ tokens: [{ id: 'a', role: 'admin', hash: 'plain-token' }] })).toThrow(/tokens\.0\.hash: must be a hash printed by scripts\/hash-token\.ts/);
  });

  it('ships demo tokens that load', () => {
    // require, not import: the test checks the file as shipped is read at run time, not bundled at compile time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(tokenStore(require('../../seeds/api-tokens.json')).verify('keyflow-demo-supervisor')).toEqual({ tokenId: 'demo-supervisor', role: 'supervisor' });
  });
});

describe('the order of refusals', () => {
  // Refused requests never reach Temporal: a client that would throw proves it.
  const app = buildServer({ ctx: { client: new Proxy({}, { get: () => { throw new Error('Temporal must not be reached'); } }) as never, taskQueue: 'none' }, tokens: tokenStore(file), logger: false });
  let base = '';
  beforeAll(async () => {
    // A real socket: jest cannot load fastify.inject's ES-module dependencies.
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  /** A request, answered as { statusCode, headers, json() } like fastify.inject. */
  async function inject(req: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: unknown }) {
    const headers = { ...req.headers };
    let body: string | undefined;
    if (req.payload !== undefined) {
      body = typeof req.payload === 'string' ? req.payload : JSON.stringify(req.payload);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${base}${req.url}`, { method: req.method, headers, body });
    const text = await res.text();
    return { statusCode: res.status, headers: Object.fromEntries(res.headers.entries()), json: () => JSON.parse(text) };
  }

  it('answers 401 before looking at the body, and 403 before it too', async () => {
    const bad = { code: 'nonsense' };
    const noToken = await inject({ method: 'POST', url: '/projects', payload: bad });
    expect(noToken.statusCode).toBe(401);
    expect(noToken.json()).toEqual({ error: 'Unauthorized', message: expect.stringMatching(/^未登录或令牌无效：/), messageEn: expect.any(String), issues: [] });
    expect(noToken.headers['www-authenticate']).toBe('Bearer realm="keyflow"');
    expect((await inject({ method: 'POST', url: '/projects', headers: { authorization: 'Basic abc' }, payload: bad })).statusCode).toBe(401);
    const forbidden = await inject({ method: 'POST', url: '/projects', headers: { authorization: `Bearer ${fgw}` }, payload: bad });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toBe('Forbidden');
    const invalid = await inject({ method: 'POST', url: '/projects', headers: { authorization: `Bearer ${admin}` }, payload: bad });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().issues).toContainEqual(expect.objectContaining({ field: 'code', rule: expect.stringMatching(/national project code/), in: 'body', label: '项目代码' }));
  });

  it("refuses another department's inbox and tasks by the path alone", async () => {
    const inbox = await inject({ method: 'GET', url: '/departments/zrzy/inbox', headers: { authorization: `Bearer ${fgw}` } });
    expect(inbox.statusCode).toBe(403);
    const act = await inject({
      method: 'POST',
      url: '/projects/2026-411122-13-03-000001/reviews/landUsePlanning/tasks/zrzy/actions',
      headers: { authorization: `Bearer ${fgw}` },
      payload: { requestId: 'r-123456789', action: 'approve', actor: { by: 'x' } },
    });
    expect(act.statusCode).toBe(403);
    expect(act.json()).toMatchObject({ message: '无权操作：a token of fgw may not act on the tasks of zrzy', messageEn: 'a token of fgw may not act on the tasks of zrzy' });
  });

  it('names the field and rule of a bad query, and reads unreadable JSON as a validation failure', async () => {
    const q = await inject({ method: 'GET', url: '/projects?stalled=maybe&limit=500', headers: { authorization: `Bearer ${admin}` } });
    expect(q.statusCode).toBe(400);
    expect(q.json().issues).toEqual([
      { field: 'limit', rule: 'must be between 1 and 200', in: 'query', label: '每页条数', message: '每页条数（limit）：须在 1 到 200 之间' },
      { field: 'stalled', rule: 'must be true or false', in: 'query', label: '是否停滞', message: '是否停滞（stalled）：须为 是（true）或 否（false）' },
    ]);
    const json = await inject({ method: 'POST', url: '/projects', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, payload: '{oops' });
    expect(json.statusCode).toBe(400);
    expect(json.json().issues).toEqual([expect.objectContaining({ field: '(body)', rule: 'must be a JSON object', in: 'body' })]);
  });
});

describe('what the log sees of a URL', () => {
  it('hides the values of secret-looking query parameters', () => {
    expect(loggableUrl('/projects?stage=started')).toBe('/projects?stage=started');
    expect(loggableUrl('/whoami?token=abc&x=1')).toBe('/whoami?token=[redacted]&x=1');
    expect(loggableUrl('/whoami?access_token=abc')).toBe('/whoami?access_token=[redacted]');
    expect(loggableUrl('/whoami?Api%4Bey=abc')).toBe('/whoami?Api%4Bey=[redacted]');
    expect(loggableUrl('/healthz')).toBe('/healthz');
  });
});

describe('cursor pages', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  it('walks the list page by page and ends with a null cursor', () => {
    const p1 = paginate(items, { limit: 2 }, (x) => x);
    expect(p1.items).toEqual(['a', 'b']);
    const p2 = paginate(items, { limit: 2, cursor: p1.nextCursor! }, (x) => x);
    expect(p2.items).toEqual(['c', 'd']);
    const p3 = paginate(items, { limit: 2, cursor: p2.nextCursor! }, (x) => x);
    expect(p3).toEqual({ items: ['e'], nextCursor: null });
  });

  it('continues after the last item served when items before it vanish, and at its position when it vanished itself', () => {
    const p1 = paginate(items, { limit: 2 }, (x) => x);
    expect(paginate(['b', 'c', 'd', 'e'], { limit: 2, cursor: p1.nextCursor! }, (x) => x).items).toEqual(['c', 'd']);
    expect(paginate(['a', 'c', 'd', 'e'], { limit: 2, cursor: p1.nextCursor! }, (x) => x).items).toEqual(['d', 'e']);
  });

  it('refuses a cursor it did not make', () => {
    expect(() => paginate(items, { cursor: 'garbage' }, (x) => x)).toThrow(expect.objectContaining({ status: 400, issues: [{ field: 'cursor', rule: 'must be the nextCursor of a previous page', in: 'query' }] }));
  });
});

describe('failure types as HTTP statuses', () => {
  it('maps each refusal to its status, and names added later by their form', () => {
    expect(statusOf(FailureType.ValidationFailed)).toBe(400);
    expect(statusOf(FailureType.NotTaskOwner)).toBe(403);
    expect(statusOf(FailureType.ProjectNotFound)).toBe(404);
    expect(statusOf(FailureType.ProjectAlreadyRegistered)).toBe(409);
    expect(statusOf(FailureType.IllegalTransition)).toBe(409);
    expect(statusOf(FailureType.ApprovalsIncomplete)).toBe(409);
    expect(statusOf(FailureType.ProjectClosed)).toBe(409);
    expect(statusOf(FailureType.TaskClosed)).toBe(409);
    expect(statusOf(FailureType.UnknownHolidayYear)).toBe(422);
    expect(statusOf('SheetNotFound')).toBe(404);
    expect(statusOf('NotInspector')).toBe(403);
    expect(statusOf('Mystery')).toBe(500);
  });
});
