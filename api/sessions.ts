import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { StoredUser } from '../schemas/users';
import type { UserStore } from './users';

/**
 * Sessions of people signed in through `POST /session`. A session id is 256 random bits sent in
 * the `keyflow_session` cookie; the API keeps only its SHA-256, with the user and the expiry.
 * With a `file` (the run command's `sessions.json` beside `users.json`) they are kept there too, so
 * a restart of the API does not sign a clerk out in the middle of the day; the file holds only
 * hashes, which open nothing. Each request checks the user again in the store, so disabling a user
 * or resetting a password ends their sessions at once.
 */

export interface SessionOptions {
  /** Lifetime of a session in seconds (the cookie's Max-Age). */
  maxAgeSeconds: number;
  /** Send the cookie with `Secure` (behind HTTPS). */
  secureCookie: boolean;
  /** Where sessions outlive the process; none: in memory only (an API restart signs everybody out). */
  file?: string;
}

export const DEFAULT_SESSION: SessionOptions = { maxAgeSeconds: 8 * 3600, secureCookie: false };

const Session = z.object({ userId: z.string(), createdAt: z.number(), expiresAt: z.number() });
type Session = z.infer<typeof Session>;
/** `sessions.json`: session-id hash → session. */
const SessionFile = z.object({ version: z.literal(1), sessions: z.record(z.string().regex(/^[0-9a-f]{64}$/), Session) });

export interface SessionStore {
  readonly options: SessionOptions;
  /** A new session for `user`: the id to put in the cookie. */
  open(user: StoredUser): string;
  /** The user of a live session, or null (unknown, expired, user disabled or credentials changed since). */
  user(id: string): StoredUser | null;
  close(id: string): boolean;
}

const key = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');

/** The sessions kept in `file`; a missing or unreadable file is no sessions (everyone signs in again), never a failed start. */
function loadSessions(file: string | undefined, t: number): Map<string, Session> {
  if (!file || !fs.existsSync(file)) return new Map();
  try {
    const parsed = SessionFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) return new Map();
    return new Map(Object.entries(parsed.data.sessions).filter(([, s]) => s.expiresAt > t));
  } catch {
    return new Map();
  }
}

/** Through a temporary file and a rename, owner-only: a reader never sees half a file. */
function saveSessions(file: string, sessions: Map<string, Session>): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify({ version: 1, sessions: Object.fromEntries(sessions) })}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function sessionStore(users: UserStore, options: SessionOptions = DEFAULT_SESSION, now: () => number = Date.now): SessionStore {
  const sessions = loadSessions(options.file, now());
  const save = () => {
    if (options.file) saveSessions(options.file, sessions);
  };
  const drop = (k: string) => {
    const had = sessions.delete(k);
    if (had) save();
    return had;
  };
  const sweep = (t: number) => {
    for (const [k, s] of sessions) if (s.expiresAt <= t) sessions.delete(k);
  };
  return {
    options,
    open(user) {
      const t = now();
      sweep(t);
      const id = randomBytes(32).toString('base64url');
      sessions.set(key(id), { userId: user.id, createdAt: t, expiresAt: t + options.maxAgeSeconds * 1000 });
      save();
      return id;
    },
    user(id) {
      if (id.length < 16 || id.length > 128) return null;
      const k = key(id);
      const s = sessions.get(k);
      if (!s) return null;
      if (s.expiresAt <= now()) {
        drop(k);
        return null;
      }
      const u = users.get(s.userId);
      const changed = u?.credentialsChangedAt ? Date.parse(u.credentialsChangedAt) : 0;
      if (!u || u.disabled || changed > s.createdAt) {
        drop(k);
        return null;
      }
      return u;
    },
    close: (id) => drop(key(id)),
  };
}

/** The Set-Cookie value for a session id, or for signing out (`null`). */
export function sessionCookie(name: string, id: string | null, options: SessionOptions): string {
  const parts = [`${name}=${id ?? ''}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${id === null ? 0 : options.maxAgeSeconds}`];
  if (options.secureCookie) parts.push('Secure');
  return parts.join('; ');
}

export interface LimitOptions {
  /** Failed attempts allowed per login within the window. */
  perLogin: number;
  /** Failed attempts allowed per client address within the window. */
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LIMITS: LimitOptions = { perLogin: 5, perAddress: 20, windowSeconds: 15 * 60 };

/**
 * Failed sign-ins counted per login and per client address in a fixed window; past the limit,
 * sign-in is refused (429, Retry-After) until the window ends, even with the right password, so a
 * guesser learns nothing. A good sign-in clears its login's count.
 */
export interface LoginLimiter {
  /** Seconds to wait, or 0 when an attempt may go ahead. */
  retryAfter(login: string, address: string): number;
  failed(login: string, address: string): void;
  succeeded(login: string): void;
}

export function loginLimiter(options: LimitOptions = DEFAULT_LIMITS, now: () => number = Date.now): LoginLimiter {
  const counts = new Map<string, { n: number; until: number }>();
  const windowMs = options.windowSeconds * 1000;
  const over = (k: string, limit: number, t: number): number => {
    const c = counts.get(k);
    if (!c || c.until <= t) return 0;
    return c.n >= limit ? Math.ceil((c.until - t) / 1000) : 0;
  };
  const bump = (k: string, t: number) => {
    const c = counts.get(k);
    if (!c || c.until <= t) counts.set(k, { n: 1, until: t + windowMs });
    else c.n += 1;
  };
  const normal = (login: string) => `login:${login.trim().toLowerCase()}`;
  return {
    retryAfter(login, address) {
      const t = now();
      if (counts.size > 10_000) for (const [k, c] of counts) if (c.until <= t) counts.delete(k);
      return Math.max(over(normal(login), options.perLogin, t), over(`addr:${address}`, options.perAddress, t));
    },
    failed(login, address) {
      const t = now();
      bump(normal(login), t);
      bump(`addr:${address}`, t);
    },
    succeeded(login) {
      counts.delete(normal(login));
    },
  };
}
