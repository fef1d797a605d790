import { z } from 'zod';
import { Instant, Slug, Text } from './common';
import { ProjectCode } from './project';

/**
 * People and their credentials (issue 14): who signs in, what they may do, and the hashes that
 * prove it. The user store (api/users.ts) keeps `UserFile` as JSON in the state directory; the
 * API answers with `UserView`, which never carries a hash.
 */

/**
 * What a person does in the system:
 * - departmentClerk 部门经办人: acts on the department's review tasks;
 * - departmentHead 部门负责人: everything the department may do;
 * - leadOfficer 牵头部门联络员: reports for and moves the projects the department leads;
 * - supervisor 督查: reads everything, opens and closes supervision orders (督办单);
 * - meetingOffice 周例会办公室: agendas, decisions and follow-up items;
 * - enterprise 项目单位: files and corrects the monthly reports of its own projects only;
 * - admin 管理员: manages users and registers projects.
 */
export const UserRole = z.enum(['departmentClerk', 'departmentHead', 'leadOfficer', 'supervisor', 'meetingOffice', 'enterprise', 'admin']);
export type UserRole = z.infer<typeof UserRole>;

/** The Chinese names of the roles, for what people read. */
export const USER_ROLE_NAMES: Readonly<Record<UserRole, string>> = {
  departmentClerk: '部门经办人',
  departmentHead: '部门负责人',
  leadOfficer: '牵头部门联络员',
  supervisor: '督查',
  meetingOffice: '周例会办公室',
  enterprise: '项目单位',
  admin: '管理员',
};

/** Roles that act for a department; they combine. Every other role stands alone. */
export const DEPARTMENT_ROLES: readonly UserRole[] = ['departmentClerk', 'departmentHead', 'leadOfficer'];

/** The enterprise (项目单位) a user acts for and the projects it owns. */
export const Enterprise = z.object({
  name: Text(z.string().trim().min(2, 'must name the enterprise').max(80)),
  projects: z.array(ProjectCode).min(1, 'must list at least one project the enterprise owns').max(200),
});
export type Enterprise = z.infer<typeof Enterprise>;

/**
 * `scrypt$<log2 N>$<r>$<p>$<salt, base64url>$<key, base64url>` — scrypt is memory-hard and ships with
 * Node (OpenSSL's), so there is nothing native to build; the parameters travel with the hash so
 * they can be raised later without invalidating stored passwords.
 */
export const PasswordHash = z.string().regex(/^scrypt\$\d{1,2}\$\d{1,2}\$\d{1,2}\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/, 'must be a scrypt hash (scrypt$logN$r$p$salt$key)');

/** `sha256:<salt>:<hex>` of a long random token (api/auth.ts hashToken). */
export const StoredTokenHash = z.string().regex(/^sha256:[A-Za-z0-9_-]{16,}:[0-9a-f]{64}$/, 'must be a token hash (sha256:<salt>:<hex>)');

export const UserToken = z.object({
  /** Named in logs and in the audit record instead of the token. */
  id: Slug,
  label: Text(z.string().trim().max(80)).optional(),
  hash: StoredTokenHash,
  createdAt: Instant,
});
export type UserToken = z.infer<typeof UserToken>;

/** A person's login name: what they type at sign-in and what the record names. */
export const UserId = z.string().regex(/^[a-z][a-z0-9.-]{1,39}$/, 'must be 2–40 lower-case letters, digits, dots and dashes, starting with a letter');

/** The part of a user an administrator writes; the rules on roles hold for every shape below. */
const UserFields = z.object({
  id: UserId,
  /** The person's name as people read it, e.g. 王建国. */
  name: Text(z.string().trim().min(1, 'must give the person\'s name').max(40)),
  /** The department (reference data id) a department role acts for. */
  department: Slug.optional(),
  enterprise: Enterprise.optional(),
  roles: z.array(UserRole).min(1, 'must give at least one role').max(3),
});

type RoleShape = { roles: UserRole[]; department?: string | undefined; enterprise?: Enterprise | undefined };

/** Department roles need a department, enterprise needs an enterprise, and the kinds do not mix. */
function roleRules(u: RoleShape, ctx: z.RefinementCtx): void {
  const dept = u.roles.filter((r) => DEPARTMENT_ROLES.includes(r));
  const other = u.roles.filter((r) => !DEPARTMENT_ROLES.includes(r));
  if (new Set(u.roles).size !== u.roles.length) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['roles'], message: 'must not repeat a role' });
  if (other.length > 1 || (other.length === 1 && dept.length > 0)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['roles'], message: `must be department roles (${DEPARTMENT_ROLES.join(', ')}) or exactly one other role; got ${u.roles.join(', ')}` });
  }
  if (dept.length > 0 && u.department === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['department'], message: 'must name the department a department role acts for' });
  if (dept.length === 0 && u.department !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['department'], message: 'only goes with a department role' });
  if (u.roles.includes('enterprise') && u.enterprise === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['enterprise'], message: 'must name the enterprise and its projects for role enterprise' });
  if (!u.roles.includes('enterprise') && u.enterprise !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['enterprise'], message: 'only goes with role enterprise' });
}

/** A user as stored: with the password hash and the token hashes, never the secrets. */
export const StoredUser = UserFields.extend({
  passwordHash: PasswordHash.optional(),
  tokens: z.array(UserToken).default([]),
  disabled: z.boolean().default(false),
  createdAt: Instant,
  /** Bumped by a password reset or a disable: sessions signed in before it end. */
  credentialsChangedAt: Instant.optional(),
}).superRefine(roleRules);
export type StoredUser = z.infer<typeof StoredUser>;

/** The user store's file (`users.json` in the state directory). */
export const UserFile = z
  .object({
    users: z.array(StoredUser),
  })
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    const tokenIds = new Set<string>();
    f.users.forEach((u, i) => {
      if (ids.has(u.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['users', i, 'id'], message: `duplicate user id "${u.id}"` });
      ids.add(u.id);
      u.tokens.forEach((t, j) => {
        if (tokenIds.has(t.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['users', i, 'tokens', j, 'id'], message: `duplicate token id "${t.id}"` });
        tokenIds.add(t.id);
      });
    });
  });
export type UserFile = z.infer<typeof UserFile>;

/** Passwords people choose: long enough to resist guessing at the rate sign-in allows. */
export const Password = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');

/** `POST /users`: a new user, with a first password (optional: a user may use tokens only). */
export const CreateUserRequest = UserFields.extend({ password: Password.optional() }).superRefine(roleRules);
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

/** `POST /users/{id}/password`: an administrator sets a new password; the user's sessions end. */
export const SetPasswordRequest = z.object({ password: Password });

/** `POST /users/{id}/disable`: the user can no longer sign in or use tokens; sessions end. */
export const DisableUserRequest = z.object({ reason: Text(z.string().trim().min(2, 'must give a reason').max(200)) });

/** `POST /users/{id}/tokens`. */
export const CreateTokenRequest = z.object({ label: Text(z.string().trim().max(80)).optional() });

export const UserParams = z.object({ id: UserId });
export const UserTokenParams = z.object({ id: UserId, tokenId: Slug });

/** A token as listed: never its hash. */
export const TokenView = UserToken.omit({ hash: true });
/** A token just made: the secret, shown this once. */
export const NewToken = TokenView.extend({ userId: UserId, token: z.string() });

/** A user as the API shows it: no hashes. */
export const UserView = UserFields.extend({
  disabled: z.boolean(),
  hasPassword: z.boolean(),
  tokens: z.array(TokenView),
  createdAt: Instant,
});
export type UserView = z.infer<typeof UserView>;

/** `POST /session`. */
export const SignInRequest = z.object({
  login: z.string().min(1, 'must give the login name').max(40, 'must be at most 40 characters'),
  password: z.string().min(1, 'must give the password').max(200, 'must be at most 200 characters'),
});

/** The signed-in user (`POST /session`, `GET /session`): the contract the web app's sign-in page reads. */
export const SessionUser = z.object({
  id: UserId,
  name: z.string(),
  department: Slug.optional(),
  enterprise: Enterprise.optional(),
  roles: z.array(UserRole),
});
export type SessionUser = z.infer<typeof SessionUser>;

export const SignedOut = z.object({ signedOut: z.boolean() });
