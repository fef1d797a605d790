import { withRoleMatrix } from './roleMatrix';
import { buildServer, routesOf } from './server';

/** Declared routes without Temporal or tokens: a server whose client is never reached. */
export async function declaredRoutes() {
  const unreachable = new Proxy({}, { get: () => { throw new Error('Temporal is not reached while reading the route declarations'); } });
  const app = buildServer({ ctx: { client: unreachable as never, taskQueue: 'none' }, tokens: { verify: () => null, size: 0 }, logger: false });
  await app.ready();
  const routes = routesOf(app);
  await app.close();
  return routes;
}

/** api/README.md's text (`readme`) with the current role matrix between its markers. */
export async function currentRoleMatrixReadme(readme: string): Promise<string> {
  return withRoleMatrix(readme, await declaredRoutes());
}
