import type { UserStore } from '../api/users';
import type { CreateUserRequest } from '../schemas/users';
import { loadReferenceData } from './index';

/**
 * Demo users for every role, for the local demo stack only (the run command adds the missing ones
 * to the state directory's user store and prints them). One password for all, printed with them:
 * never use these outside a demo.
 */
export const DEMO_PASSWORD = 'keyflow-demo';

/** A department head-and-lead-officer for fgw, and a clerk for every department of the reference data. */
export function demoUsers(): CreateUserRequest[] {
  const clerks: CreateUserRequest[] = loadReferenceData()
    .departments.filter((d) => d.id !== 'dcs' && d.id !== 'hyb')
    .map((d) => ({ id: `${d.id}.clerk`, name: `${d.name}经办人`, department: d.id, roles: ['departmentClerk', ...(d.id === 'fgw' ? [] : ['leadOfficer' as const])] }));
  return [
    { id: 'admin', name: '系统管理员', roles: ['admin'] },
    { id: 'dcs.liu', name: '刘督查', roles: ['supervisor'] },
    { id: 'hyb.chen', name: '陈秘书', roles: ['meetingOffice'] },
    { id: 'fgw.li', name: '李主任', department: 'fgw', roles: ['departmentHead', 'leadOfficer'] },
    ...clerks,
    { id: 'tongyi', name: '统一企业项目联络员', roles: ['enterprise'], enterprise: { name: '河南统一企业有限公司', projects: ['2025-411100-14-03-000107'] } },
    // The development zone's investment group, owner of two projects under way: one login reports both (the monthly upload of several projects at once).
    { id: 'jingkai', name: '经开区投资集团项目联络员', roles: ['enterprise'], enterprise: { name: '漯河经开区投资发展集团有限公司', projects: ['2026-411100-27-03-000155', '2025-411100-35-03-000142'] } },
    { id: 'yibao', name: '怡宝项目联络员', roles: ['enterprise'], enterprise: { name: '华润怡宝饮料（漯河）有限公司', projects: ['2025-411122-15-03-000032'] } },
  ].map((u) => ({ ...u, password: DEMO_PASSWORD }) as CreateUserRequest);
}

/** Adds the demo users missing from `store`; answers the ones now there. */
export async function ensureDemoUsers(store: UserStore, now: Date): Promise<CreateUserRequest[]> {
  const all = demoUsers();
  for (const u of all) if (!store.get(u.id)) await store.add(u, now);
  return all;
}
