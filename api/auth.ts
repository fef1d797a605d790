import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { ApiTokenFile, type ApiTokenEntry, type Principal, type Role } from '../schemas/api';
import { issuesOf } from '../schemas/validation';
import { loadReferenceData } from '../seeds';

/**
 * API tokens: long random secrets handed to each department, the supervisors, the meeting office
 * and the administrators. The server keeps only salted SHA-256 hashes (the tokens are 256-bit
 * random, so a slow hash adds nothing); a presented token is hashed with every entry's salt and
 * compared in constant time, and the scan never stops early, so timing tells nothing about which
 * entry matched or how close a guess came.
 */

export class TokenFileError extends Error {
  override name = 'TokenFileError';
}

/** A new random token (43 characters, base64url). */
export function newToken(): string {
  return `kf_${randomBytes(32).toString('base64url')}`;
}

/** `sha256:<salt>:<hex>` for a token; a fresh random salt unless one is given. */
export function hashToken(token: string, salt: string = randomBytes(16).toString('base64url')): string {
  return `sha256:${salt}:${digest(salt, token).toString('hex')}`;
}

function digest(salt: string, token: string): Buffer {
  return createHash('sha256').update(salt, 'utf8').update('\0').update(token, 'utf8').digest();
}

/** Tokens shorter or longer than this are refused without hashing (and never logged). */
const TOKEN_MIN = 16;
const TOKEN_MAX = 256;

/** Whether `token` is the one `hash` (`sha256:<salt>:<hex>`) was made from; constant time for a well-formed token. */
export function tokenMatches(token: string, hash: string): boolean {
  if (token.length < TOKEN_MIN || token.length > TOKEN_MAX) return false;
  const [, salt, hex] = hash.split(':');
  if (salt === undefined || hex === undefined) return false;
  const expected = Buffer.from(hex, 'hex');
  const got = digest(salt, token);
  return expected.length === got.length && timingSafeEqual(got, expected);
}

export interface TokenStore {
  /** The principal a presented token stands for, or null. */
  verify(token: string): Principal | null;
  readonly size: number;
}

/** Builds the store from a parsed token file; departments are checked against the reference data. */
export function tokenStore(file: unknown, source = 'token file'): TokenStore {
  const parsed = ApiTokenFile.safeParse(file);
  if (!parsed.success) {
    throw new TokenFileError(`${source}: ${issuesOf(parsed.error).map((i) => `${i.field}: ${i.rule}`).join('; ')}`);
  }
  const known = new Set(loadReferenceData().departments.map((d) => d.id));
  parsed.data.tokens.forEach((t, i) => {
    if (t.department !== undefined && !known.has(t.department)) {
      throw new TokenFileError(`${source}: tokens.${i}.department: unknown department "${t.department}"`);
    }
  });
  const entries = parsed.data.tokens.map((t) => {
    const [, salt, hex] = t.hash.split(':') as [string, string, string];
    return { entry: t, salt, expected: Buffer.from(hex, 'hex') };
  });
  return {
    size: entries.length,
    verify(token: string): Principal | null {
      if (token.length < TOKEN_MIN || token.length > TOKEN_MAX) return null;
      let found: ApiTokenEntry | null = null;
      for (const e of entries) {
        if (timingSafeEqual(digest(e.salt, token), e.expected) && found === null) found = e.entry;
      }
      if (!found) return null;
      return { tokenId: found.id, role: found.role, ...(found.department ? { department: found.department } : {}) };
    },
  };
}

function readTokenFile(path: string): TokenStore {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TokenFileError(`${path}: cannot read the token file: ${(err as Error).message}`);
  }
  return tokenStore(raw, path);
}

/**
 * The service tokens of the token file at `path` (KEYFLOW_API_TOKENS). The file is read again
 * when it changes (inode, size, mtime), so a service token added or removed with
 * scripts/hash-token.ts counts from the next request, without a restart; a file broken by an edit
 * keeps the last good version in force (and is refused at start).
 */
export function loadTokenFile(path: string): TokenStore {
  const identity = () => {
    const st = fs.statSync(path, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  };
  let seen = identity();
  let store = readTokenFile(path);
  const fresh = () => {
    let now: string;
    try {
      now = identity();
    } catch {
      return store;
    }
    if (now !== seen) {
      seen = now;
      try {
        store = readTokenFile(path);
      } catch {
        // keep the last good version
      }
    }
    return store;
  };
  return {
    get size() {
      return fresh().size;
    },
    verify: (token) => fresh().verify(token),
  };
}

/** The bearer token of an Authorization header, or null when there is none. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** Who may call a route: a list of roles, or anyone (no token needed). */
export type Access = readonly Role[] | 'public';

/** The roles that see every project; an enterprise sees only its own and is let in route by route. */
export const ALL_ROLES: readonly Role[] = ['department', 'supervisor', 'meetingOffice', 'admin'];

/** Everyone with a credential, enterprises included (routes narrow what each sees). */
export const EVERYONE: readonly Role[] = [...ALL_ROLES, 'enterprise'];

/** The session cookie's name (the web app's sign-in page relies on it). */
export const SESSION_COOKIE = 'keyflow_session';

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(header: string | string[] | undefined, name: string): string | null {
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
