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

/** Reads the token file at `path` (KEYFLOW_API_TOKENS). */
export function loadTokenFile(path: string): TokenStore {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TokenFileError(`${path}: cannot read the token file: ${(err as Error).message}`);
  }
  return tokenStore(raw, path);
}

/** The bearer token of an Authorization header, or null when there is none. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** Who may call a route: a list of roles, or anyone (no token needed). */
export type Access = readonly Role[] | 'public';

export const ALL_ROLES: readonly Role[] = ['department', 'supervisor', 'meetingOffice', 'admin'];
