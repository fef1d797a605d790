import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { addRoute, type ApiDeps } from '../route';

/**
 * The web workspace (工作台): its static files read once at start, served without a token (the
 * page signs the person in and sends the session with every data request). The content security
 * policy allows nothing from elsewhere: no CDN, no inline script; the charting library (Apache
 * ECharts) is the installed package's own build, served from here so the page works offline.
 */
const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
} as const;

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** ECharts' complete minified build, from the installed package (the same from source and from dist/: node resolves it upwards). */
const ECHARTS_FILE = 'echarts.min.js';
function echartsPath(): string {
  return require.resolve('echarts/dist/echarts.min.js');
}

/** Next to this module when run from source; in the source tree when run from the compiled dist/. */
function assetsDir(): string {
  const candidates = [__dirname, path.resolve(__dirname, '..', '..', '..', 'api', 'dashboard')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error(`the dashboard's files are missing (looked in ${candidates.join(', ')})`);
  return found;
}

export async function dashboardRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const dir = assetsDir();
  const content = Object.fromEntries(Object.keys(FILES).map((f) => [f, fs.readFileSync(path.join(dir, f))])) as Record<keyof typeof FILES, Buffer>;
  const echarts = fs.readFileSync(echartsPath());
  // no-cache revalidates: with an ETag the megabyte of ECharts is sent once per browser, not once per visit.
  const etags = new Map<string, string>([...Object.entries(content), [ECHARTS_FILE, echarts] as const].map(([f, b]) => [f, `"${createHash('sha256').update(b).digest('base64url').slice(0, 27)}"`]));
  const headers = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' };

  // Encapsulated: applies to this plugin's routes only.
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.headers(headers);
    return payload;
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/dashboard',
    operationId: 'dashboard',
    summary: 'The supervisors\' dashboard (HTML page; it asks for a token and reads the JSON endpoints with it)',
    tag: 'system',
    access: 'public',
    response: z.string(),
    produces: 'text/html; charset=utf-8',
    handler: async () => content['index.html'].toString('utf8'),
  });
  const assets: Array<[string, string, Buffer]> = [
    ['dashboard.css', FILES['dashboard.css'], content['dashboard.css']],
    ['dashboard.js', FILES['dashboard.js'], content['dashboard.js']],
    [ECHARTS_FILE, 'text/javascript; charset=utf-8', echarts],
  ];
  for (const [file, type, body] of assets) {
    const etag = etags.get(file)!;
    app.get(`/dashboard/${file}`, async (request, reply) => {
      void reply.header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(type).send(body);
    });
  }
}
