/**
 * The web workspace's static files, without a stack: the page loads the charting library (Apache
 * ECharts) from the API itself — the installed package's own build, byte for byte — under the same
 * content security policy, and a browser that has it already is answered 304 (one megabyte saved
 * per visit). The browser test (test/e2e/dashboard.test.ts) shows the charts it draws.
 */
import fs from 'node:fs';
import { hashToken, newToken, tokenStore } from '../../api/auth';
import { buildServer } from '../../api/server';

describe('the workspace’s static files', () => {
  // Static files never reach Temporal: a client that would throw proves it.
  const app = buildServer({ ctx: { client: new Proxy({}, { get: () => { throw new Error('Temporal must not be reached'); } }) as never, taskQueue: 'none' }, tokens: tokenStore({ tokens: [{ id: 'admin', role: 'admin', hash: hashToken(newToken()) }] }), logger: false });
  let base = '';
  beforeAll(async () => {
    // A real socket: jest cannot load fastify.inject's ES-module dependencies.
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('serves the installed ECharts build under the page’s CSP, and 304 to a browser that has it', async () => {
    const installed = fs.readFileSync(require.resolve('echarts/dist/echarts.min.js'));
    const res = await fetch(`${base}/dashboard/echarts.min.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(Buffer.from(await res.arrayBuffer()).equals(installed)).toBe(true);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await fetch(`${base}/dashboard/echarts.min.js`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    // Another version's tag is not this one: the file itself is sent.
    expect((await fetch(`${base}/dashboard/echarts.min.js`, { headers: { 'if-none-match': '"older"' } })).status).toBe(200);
  });

  it('has the page load ECharts from the API before its own script, and nothing from elsewhere', async () => {
    const res = await fetch(`${base}/dashboard`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/dashboard/echarts.min.js', '/dashboard/dashboard.js']);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const file of ['dashboard.js', 'dashboard.css']) {
      const r = await fetch(`${base}/dashboard/${file}`);
      expect({ file, status: r.status, etag: /^"/.test(r.headers.get('etag') ?? '') }).toEqual({ file, status: 200, etag: true });
    }
  });
});
