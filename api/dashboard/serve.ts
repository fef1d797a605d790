import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { addRoute, type ApiDeps } from '../route';

/**
 * The supervisors' dashboard (督查看板): three static files read once at start, served without a
 * token (the page asks for one and sends it with every data request). The content security
 * policy allows nothing from elsewhere: no CDN, no inline script.
 */
const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
} as const;

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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
  for (const file of ['dashboard.css', 'dashboard.js'] as const) {
    app.get(`/dashboard/${file}`, async (_request, reply) => reply.type(FILES[file]).send(content[file]));
  }
}
