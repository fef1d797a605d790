import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Principal, Role } from '../schemas/api';
import {
  CreateUserRequest,
  DEPARTMENT_ROLES,
  StoredUser,
  UserFile,
  type SessionUser,
  type TokenView,
  type UserRole,
  type UserView,
} from '../schemas/users';
import { issuesOf, ValidationError } from '../schemas/validation';
import { loadReferenceData } from '../seeds';
import { hashToken, newToken, tokenMatches } from './auth';

/**
 * The user store: people, their password hashes and their API tokens, in one JSON file
 * (`users.json` in the state directory). Every read checks the file's identity (inode, size,
 * mtime) and re-reads it when it changed, so a user added, a token revoked or a password reset —
 * through the API, the CLI or by hand — takes effect at the next request, without a restart.
 * Writes go to a temporary file that is renamed over the old one, so a reader never sees half a file.
 *
 * Passwords: scrypt (node:crypto, OpenSSL's), memory-hard; N = 2^15, r = 8, p = 1 by default
 * (32 MiB and a few tens of milliseconds per attempt), the parameters stored with each hash.
 */

export class UserStoreError extends Error {
  override name = 'UserStoreError';
}

/** A refusal by the store's own rules (unknown user, repeated id): the API answers 404 or 409. */
export class UserRefusal extends Error {
  override name = 'UserRefusal';
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface ScryptCost {
  logN: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptCost = { logN: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** cost.logN, r: cost.r, p: cost.p, maxmem: 256 * 2 ** cost.logN * cost.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$logN$r$p$salt$key`. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, cost);
  return `scrypt$${cost.logN}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64url'), { logN: Number(logN), r: Number(r), p: Number(p) });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** The access role (route `access`) a user's roles stand for: the schema lets only one kind through. */
export function accessRole(roles: readonly UserRole[]): Role {
  if (roles.some((r) => DEPARTMENT_ROLES.includes(r))) return 'department';
  const only = roles[0];
  if (only === 'supervisor' || only === 'meetingOffice' || only === 'admin' || only === 'enterprise') return only;
  throw new UserStoreError(`no access role for roles ${roles.join(', ')}`);
}

/** The principal a user's credential stands for. */
export function userPrincipal(user: StoredUser, tokenId?: string): Principal {
  return {
    ...(tokenId ? { tokenId } : {}),
    role: accessRole(user.roles),
    ...(user.department ? { department: user.department } : {}),
    userId: user.id,
    name: user.name,
    roles: [...user.roles],
    ...(user.enterprise ? { enterprise: user.enterprise } : {}),
  };
}

/** Who a user is, as the sign-in answers it (`SessionUser`): no credentials. */
export function sessionUser(u: StoredUser): SessionUser {
  return {
    id: u.id,
    name: u.name,
    ...(u.department ? { department: u.department } : {}),
    ...(u.enterprise ? { enterprise: u.enterprise } : {}),
    roles: u.roles,
  };
}

export function userView(u: StoredUser): UserView {
  const tokens: Array<typeof TokenView._output> = u.tokens.map(({ hash: _hash, ...t }) => t);
  return {
    ...sessionUser(u),
    disabled: u.disabled,
    hasPassword: u.passwordHash !== undefined,
    tokens,
    createdAt: u.createdAt,
  };
}

export interface UserStore {
  readonly file: string;
  list(): StoredUser[];
  get(id: string): StoredUser | undefined;
  /** The user a token belongs to (enabled users only), or null. Scans every token in constant time per entry. */
  verifyToken(token: string): { user: StoredUser; tokenId: string } | null;
  /** The user whose password this is (enabled users only), or null; as slow for an unknown login as for a known one. */
  verifyPassword(login: string, password: string): Promise<StoredUser | null>;
  add(request: unknown, now: Date): Promise<StoredUser>;
  setPassword(id: string, password: string, now: Date): Promise<StoredUser>;
  disable(id: string, now: Date): Promise<StoredUser>;
  enable(id: string, now: Date): Promise<StoredUser>;
  addToken(id: string, label: string | undefined, now: Date): Promise<{ user: StoredUser; tokenId: string; token: string }>;
  revokeToken(id: string, tokenId: string): Promise<StoredUser>;
}

export interface UserStoreOptions {
  /** Cost of new password hashes (tests use a cheap one). */
  scrypt?: ScryptCost;
}

function parseFile(raw: unknown, source: string): UserFile {
  const parsed = UserFile.safeParse(raw);
  if (!parsed.success) throw new UserStoreError(`${source}: ${issuesOf(parsed.error).map((i) => `${i.field}: ${i.rule}`).join('; ')}`);
  const known = new Set(loadReferenceData().departments.map((d) => d.id));
  parsed.data.users.forEach((u, i) => {
    if (u.department !== undefined && !known.has(u.department)) throw new UserStoreError(`${source}: users.${i}.department: unknown department "${u.department}"`);
  });
  return parsed.data;
}

/** Writes `data` to `file` through a temporary file and a rename. */
function writeAtomically(file: string, data: UserFile): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * Opens (and creates, empty, when missing) the user store at `file`. A file that breaks the
 * schema is refused at open; one broken later (by hand) keeps the last good version in force and
 * refuses writes until it is fixed, so a typo does not lock everybody out or lose the file.
 */
export function openUserStore(file: string, opts: UserStoreOptions = {}): UserStore {
  const cost = opts.scrypt ?? DEFAULT_SCRYPT;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeAtomically(file, { users: [] });
  }
  let seen = '';
  let current: UserFile = { users: [] };
  let broken: string | null = null;
  // One write at a time in this process; each starts from the file as it is now.
  let writing: Promise<unknown> = Promise.resolve();
  // An unknown login is hashed too, so that timing does not tell which logins exist.
  const dummy = hashPassword(randomBytes(12).toString('base64url'), cost);

  const identity = () => {
    const st = fs.statSync(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  };
  const load = (): UserFile => {
    const id = identity();
    if (id === seen) return current;
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      current = parseFile(raw, file);
      broken = null;
    } catch (err) {
      if (seen === '') throw err instanceof UserStoreError ? err : new UserStoreError(`${file}: cannot read the user store: ${(err as Error).message}`);
      broken = (err as Error).message;
    }
    seen = id;
    return current;
  };
  load();

  const update = <T>(change: (data: UserFile) => T): Promise<T> => {
    const run = writing.then(() => {
      const data = structuredClone(load());
      if (broken) throw new UserStoreError(`the user store ${file} is broken (${broken}); fix it before changing users`);
      const result = change(data);
      const written = parseFile(data, file);
      writeAtomically(file, written);
      current = written;
      seen = identity();
      return result;
    });
    writing = run.catch(() => undefined);
    return run;
  };

  const find = (data: UserFile, id: string): StoredUser => {
    const u = data.users.find((x) => x.id === id);
    if (!u) throw new UserRefusal(404, `no user "${id}"`);
    return u;
  };

  // Either way the user's sessions end: they were opened under the other state.
  const setDisabled = (id: string, disabled: boolean, now: Date) =>
    update((data) => {
      const u = find(data, id);
      u.disabled = disabled;
      u.credentialsChangedAt = now.toISOString();
      return u;
    });

  return {
    file,
    list: () => load().users,
    get: (id) => load().users.find((u) => u.id === id),
    verifyToken(token) {
      let found: { user: StoredUser; tokenId: string } | null = null;
      for (const user of load().users) {
        for (const t of user.tokens) {
          if (tokenMatches(token, t.hash) && found === null) found = { user, tokenId: t.id };
        }
      }
      return found && !found.user.disabled ? found : null;
    },
    async verifyPassword(login, password) {
      const user = load().users.find((u) => u.id === login.trim().toLowerCase());
      const ok = await passwordMatches(password, user?.passwordHash ?? (await dummy));
      return ok && user && user.passwordHash !== undefined && !user.disabled ? user : null;
    },
    async add(request, now) {
      const parsed = CreateUserRequest.safeParse(request);
      if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
      const { password, ...fields } = parsed.data;
      const passwordHash = password === undefined ? undefined : await hashPassword(password, cost);
      return update((data) => {
        if (data.users.some((u) => u.id === fields.id)) throw new UserRefusal(409, `user "${fields.id}" exists already`);
        const user = StoredUser.parse({ ...fields, ...(passwordHash ? { passwordHash } : {}), tokens: [], disabled: false, createdAt: now.toISOString() });
        data.users.push(user);
        return user;
      });
    },
    async setPassword(id, password, now) {
      const passwordHash = await hashPassword(password, cost);
      return update((data) => {
        const u = find(data, id);
        u.passwordHash = passwordHash;
        u.credentialsChangedAt = now.toISOString();
        return u;
      });
    },
    disable: (id, now) => setDisabled(id, true, now),
    enable: (id, now) => setDisabled(id, false, now),
    addToken: (id, label, now) =>
      update((data) => {
        const u = find(data, id);
        const token = newToken();
        const taken = new Set(data.users.flatMap((x) => x.tokens.map((t) => t.id)));
        let tokenId: string;
        do tokenId = `t-${randomBytes(5).toString('hex')}`;
        while (taken.has(tokenId));
        u.tokens.push({ id: tokenId, ...(label ? { label } : {}), hash: hashToken(token), createdAt: now.toISOString() });
        return { user: u, tokenId, token };
      }),
    revokeToken: (id, tokenId) =>
      update((data) => {
        const u = find(data, id);
        const before = u.tokens.length;
        u.tokens = u.tokens.filter((t) => t.id !== tokenId);
        if (u.tokens.length === before) throw new UserRefusal(404, `user "${id}" has no token "${tokenId}"`);
        return u;
      }),
  };
}

/** For an API started without a user store (service tokens only): nobody signs in, user changes are refused. */
export function noUserStore(): UserStore {
  const refuse = async (): Promise<never> => {
    throw new UserStoreError('this API has no user store: start it with one (KEYFLOW_USERS or the state directory)');
  };
  return {
    file: '(none)',
    list: () => [],
    get: () => undefined,
    verifyToken: () => null,
    verifyPassword: async () => null,
    add: refuse,
    setPassword: refuse,
    disable: refuse,
    enable: refuse,
    addToken: refuse,
    revokeToken: refuse,
  };
}
