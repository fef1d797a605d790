import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pageOf, PageQuery } from '../../schemas/api';
import {
  CreateTokenRequest,
  CreateUserRequest,
  DisableUserRequest,
  NewToken,
  SessionUser,
  SetPasswordRequest,
  SignedOut,
  SignInRequest,
  TokenView,
  UserParams,
  UserTokenParams,
  UserView,
} from '../../schemas/users';
import { ValidationError } from '../../schemas/validation';
import { loadReferenceData } from '../../seeds';
import { cookieValue, SESSION_COOKIE } from '../auth';
import { ApiError, forbidden, invalid, unauthorized } from '../errors';
import { paginate } from '../pagination';
import { addRoute, authenticate, type ApiDeps } from '../route';
import { sessionCookie } from '../sessions';
import { sessionUser, UserRefusal, userView } from '../users';


/** The store's refusals as the API's. */
async function refusing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UserRefusal) throw new ApiError(err.status, err.status === 404 ? 'NotFound' : 'Conflict', err.message);
    throw err;
  }
}

/** Sign-in and sessions (登录), users and their tokens (用户管理). */
export async function peopleRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { users, sessions, loginLimiter } = deps;
  if (!users || !sessions || !loginLimiter) throw new Error('peopleRoutes: the server has no user store, sessions or sign-in limits (buildServer sets them)');
  const departments = new Set(loadReferenceData().departments.map((d) => d.id));

  addRoute(app, deps, {
    method: 'POST',
    url: '/session',
    operationId: 'signIn',
    summary: 'Sign in with login and password (登录): sets the keyflow_session cookie (no token needed)',
    description:
      'Answers the user and sets `keyflow_session` (HttpOnly, SameSite=Strict, Path=/, Max-Age; Secure when configured). Failed attempts are limited per login and per client address: past the limit 429 with Retry-After, even for the right password.',
    tag: 'people',
    access: 'public',
    body: SignInRequest,
    response: SessionUser,
    refusals: [401, 429],
    handler: async ({ body, request, reply }) => {
      const wait = loginLimiter.retryAfter(body.login, request.ip);
      if (wait > 0) {
        void reply.header('retry-after', String(wait));
        throw new ApiError(429, 'TooManyAttempts', `登录失败次数过多，请 ${wait} 秒后再试 (too many failed sign-ins; try again in ${wait} s)`);
      }
      const user = await users.verifyPassword(body.login, body.password);
      if (!user) {
        loginLimiter.failed(body.login, request.ip);
        throw unauthorized('登录名或密码不正确，或账号已停用 (the login or the password is wrong, or the user is disabled)');
      }
      loginLimiter.succeeded(body.login);
      void reply.header('set-cookie', sessionCookie(SESSION_COOKIE, sessions.open(user), sessions.options));
      return sessionUser(user);
    },
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/session',
    operationId: 'currentSession',
    summary: 'The signed-in user, from the session cookie or a user\'s token (401 otherwise; checked here, not by role)',
    tag: 'people',
    access: 'public',
    response: SessionUser,
    refusals: [401],
    handler: async ({ request, reply }) => {
      void reply.header('cache-control', 'no-store');
      const principal = authenticate(deps, request);
      const user = principal && principal !== 'none' && principal.userId ? users.get(principal.userId) : undefined;
      if (!user) throw unauthorized('not signed in (POST /session signs in; a service token is not a person)');
      return sessionUser(user);
    },
  });

  addRoute(app, deps, {
    method: 'DELETE',
    url: '/session',
    operationId: 'signOut',
    summary: 'Sign out (退出登录): ends the session and clears the cookie (no token needed)',
    tag: 'people',
    access: 'public',
    response: SignedOut,
    handler: async ({ request, reply }) => {
      const id = cookieValue(request.headers.cookie, SESSION_COOKIE);
      const signedOut = id ? sessions.close(id) : false;
      void reply.header('set-cookie', sessionCookie(SESSION_COOKIE, null, sessions.options));
      return { signedOut };
    },
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/users',
    operationId: 'listUsers',
    summary: 'Users (用户) with their roles and tokens (never a hash)',
    tag: 'people',
    access: ['admin'],
    query: PageQuery,
    response: pageOf(UserView),
    handler: async ({ query }) => paginate(users.list().map(userView), query, (u) => u.id),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/users',
    operationId: 'createUser',
    summary: 'Add a user: name, department or enterprise with its projects, roles, first password',
    description: 'Takes effect at once, without a restart. 409 when the id exists.',
    tag: 'people',
    access: ['admin'],
    body: CreateUserRequest,
    response: UserView,
    status: 201,
    refusals: [409],
    handler: async ({ body }) => {
      if (body.department !== undefined && !departments.has(body.department)) {
        throw invalid(new ValidationError([{ field: 'department', rule: `must be a department of the reference data (GET /reference); got "${body.department}"` }]), 'body');
      }
      return userView(await refusing(() => users.add(body, deps.now())));
    },
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/users/:id',
    operationId: 'getUser',
    summary: 'One user',
    tag: 'people',
    access: ['admin'],
    params: UserParams,
    response: UserView,
    refusals: [404],
    handler: async ({ params }) => {
      const u = users.get(params.id);
      if (!u) throw new ApiError(404, 'NotFound', `no user "${params.id}"`);
      return userView(u);
    },
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/users/:id/password',
    operationId: 'setUserPassword',
    summary: 'Set a new password (重置密码); the user\'s sessions end',
    tag: 'people',
    access: ['admin'],
    params: UserParams,
    body: SetPasswordRequest,
    response: UserView,
    refusals: [404],
    handler: async ({ params, body }) => userView(await refusing(() => users.setPassword(params.id, body.password, deps.now()))),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/users/:id/disable',
    operationId: 'disableUser',
    summary: 'Disable a user (停用): no sign-in, no tokens, sessions end at once',
    tag: 'people',
    access: ['admin'],
    params: UserParams,
    body: DisableUserRequest,
    response: UserView,
    refusals: [404],
    handler: async ({ params, principal, request }) => {
      if (principal.userId === params.id) throw forbidden('an administrator may not disable themself (another administrator may)');
      const u = await refusing(() => users.disable(params.id, deps.now()));
      request.log.info({ userId: params.id }, 'user disabled');
      return userView(u);
    },
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/users/:id/enable',
    operationId: 'enableUser',
    summary: 'Enable a disabled user again',
    tag: 'people',
    access: ['admin'],
    params: UserParams,
    response: UserView,
    refusals: [404],
    handler: async ({ params }) => userView(await refusing(() => users.enable(params.id, deps.now()))),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/users/:id/tokens',
    operationId: 'listUserTokens',
    summary: 'A user\'s API tokens (ids, labels, dates; never the secret)',
    tag: 'people',
    access: ['admin'],
    params: UserParams,
    response: z.array(TokenView),
    refusals: [404],
    handler: async ({ params }) => {
      const u = users.get(params.id);
      if (!u) throw new ApiError(404, 'NotFound', `no user "${params.id}"`);
      return userView(u).tokens;
    },
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/users/:id/tokens',
    operationId: 'createUserToken',
    summary: 'A new API token for a user (for scripts and the CLI); the secret is shown in this answer only',
    description: 'Counts from the next request, without a restart. The store keeps only a salted hash.',
    tag: 'people',
    access: ['admin'],
    params: UserParams,
    body: CreateTokenRequest,
    response: NewToken,
    status: 201,
    refusals: [404],
    handler: async ({ params, body }) => {
      const { user, tokenId, token } = await refusing(() => users.addToken(params.id, body.label, deps.now()));
      const view = userView(user).tokens.find((t) => t.id === tokenId)!;
      return { ...view, userId: user.id, token };
    },
  });

  addRoute(app, deps, {
    method: 'DELETE',
    url: '/users/:id/tokens/:tokenId',
    operationId: 'revokeUserToken',
    summary: 'Revoke a user\'s API token: refused from the next request on',
    tag: 'people',
    access: ['admin'],
    params: UserTokenParams,
    response: z.object({ revoked: z.literal(true), tokenId: z.string() }),
    refusals: [404],
    handler: async ({ params }) => {
      await refusing(() => users.revokeToken(params.id, params.tokenId));
      return { revoked: true as const, tokenId: params.tokenId };
    },
  });
}
