import type { Principal } from '../schemas/api';
import { USER_ROLE_NAMES, type UserRole } from '../schemas/users';

/**
 * Authority that follows from the principal alone (issue 14), for a route's `scope`: decided from
 * the credential and the raw path before anything is read or changed. Rules that need workflow
 * state (the project's lead department) stay in the routes' `authorize`.
 */

export type Scope = (principal: Principal, params: Record<string, string>) => string | null;

/** An enterprise (项目单位) reaches only the projects it owns. */
export const ownProjectsOnly: Scope = (principal, params) => {
  if (principal.role !== 'enterprise') return null;
  const code = params.code ?? '';
  if (principal.enterprise?.projects.includes(code)) return null;
  return `项目 ${code} 不属于 ${principal.enterprise?.name ?? '该企业'}：项目单位只能查看和填报自己的项目 (an enterprise reaches only its own projects: ${(principal.enterprise?.projects ?? []).join(', ')})`;
};

/**
 * A department's person acts only in the roles that carry the duty: reports and stage changes are
 * the lead-department officer's or the head's, not a clerk's. A service token of a department
 * (the token file) carries every duty of its department.
 */
export function dutyOf(what: string, roles: readonly UserRole[]): Scope {
  return (principal) => {
    if (principal.role !== 'department' || principal.roles === undefined) return null;
    if (principal.roles.some((r) => roles.includes(r))) return null;
    const names = roles.map((r) => USER_ROLE_NAMES[r]).join('或');
    return `${what}须由${names}办理，${principal.name ?? principal.userId} 的角色是 ${principal.roles.map((r) => USER_ROLE_NAMES[r]).join('、')} (${what} needs the role ${roles.join(' or ')})`;
  };
}

/** The first refusal of several scopes. */
export function allScopes(...scopes: Scope[]): Scope {
  return (principal, params) => {
    for (const s of scopes) {
      const refusal = s(principal, params);
      if (refusal) return refusal;
    }
    return null;
  };
}

/** Reports for a led project: the lead-department officer or the department head (牵头部门联络员、部门负责人). */
export const LEAD_DUTY: readonly UserRole[] = ['leadOfficer', 'departmentHead'];
