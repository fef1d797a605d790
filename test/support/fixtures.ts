import type { ProjectInput } from '../../schemas/project';

let serial = 0;
/**
 * A valid project in 临颍县 with a code unique to this test process, so tests sharing one
 * Temporal server never collide on workflow ids.
 */
export function aProject(overrides: Partial<ProjectInput> = {}): ProjectInput {
  serial += 1;
  const n = String((process.pid * 1000 + serial) % 1_000_000).padStart(6, '0');
  return {
    code: `2026-411122-13-03-${n}`,
    name: '华润怡宝六十万吨纯净水项目',
    owner: '华润怡宝饮料（漯河）有限公司',
    county: '411122',
    industry: 'beverages',
    category: 'new',
    totalInvestment: 120000,
    annualPlannedInvestment: 60000,
    plannedStart: '2026-01-15',
    plannedCompletion: '2027-06-30',
    responsibleLeader: '副市长 王某',
    leadDepartment: 'fgw',
    contacts: [{ name: '李某', role: '项目经理', phone: '13903950001' }],
    stage: 'conceived',
    ...overrides,
  };
}
