import type { ProjectInput } from '../../schemas/project';

const used = new Set<string>();
/** The division code a project of `county` carries in its code (a functional zone: the city's). */
function divisionOf(county: string): string {
  return /^\d{6}$/.test(county) ? county : '411100';
}

/**
 * A valid project in 临颍县 (or the county given) with a code unique to this test process, so tests
 * sharing one Temporal server never collide on workflow ids; the code's division agrees with the county.
 */
export function aProject(overrides: Partial<ProjectInput> = {}): ProjectInput {
  // Test files run in parallel processes and share one Kafka: industry code and serial are
  // random (10^8 codes), and a process never repeats one.
  let code: string;
  do {
    const industry = String(Math.floor(Math.random() * 100)).padStart(2, '0');
    const n = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
    code = `2026-${divisionOf(overrides.county ?? '411122')}-${industry}-03-${n}`;
  } while (used.has(code));
  used.add(code);
  return {
    code,
    name: '华润怡宝六十万吨纯净水项目',
    owner: '华润怡宝饮料（漯河）有限公司',
    county: '411122',
    industry: 'food-beverage',
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
