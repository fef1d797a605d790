/**
 * Whether a project's references hold (项目入库核验): its county, lead department and industry
 * exist in the reference data, and its national project code agrees with them. Pure: the caller
 * passes the reference data and the current year (Asia/Shanghai).
 */
import type { ReferenceData } from '../../schemas/reference';
import type { FieldIssue } from '../../schemas/validation';

/**
 * The first year a national project code can carry: the national online approval and supervision
 * platform (全国投资项目在线审批监管平台) began issuing codes in 2015 (to confirm). A code cannot be
 * issued in a year still to come.
 */
export const FIRST_CODE_YEAR = 2015;

interface ProjectReferences {
  code: string;
  county: string;
  leadDepartment: string;
  industry: string;
}

const listed = (items: ReadonlyArray<{ id: string; name: string }>): string => items.map((i) => `${i.id} ${i.name}`).join('、');

export function referenceIssues(p: ProjectReferences, ref: ReferenceData, thisYear: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const county = ref.counties.find((c) => c.id === p.county);
  if (!county) issues.push({ field: 'county', rule: `must be a county, district or functional zone of ${ref.city.name} (${listed(ref.counties)})` });
  if (!ref.departments.some((d) => d.id === p.leadDepartment)) issues.push({ field: 'leadDepartment', rule: `must be a department of the reference data (${listed(ref.departments)})` });
  if (!ref.industries.some((i) => i.id === p.industry)) issues.push({ field: 'industry', rule: `must be an industry of the reference data (${listed(ref.industries)})` });

  const [yearText, division] = p.code.split('-');
  const year = Number(yearText);
  if (!(year >= FIRST_CODE_YEAR && year <= thisYear)) {
    issues.push({ field: 'code', rule: `the year the code was issued must be within ${FIRST_CODE_YEAR}–${thisYear} (is ${yearText})` });
  }
  if (county) {
    // Functional zones have no division code of their own: their projects carry the city's.
    const expected = county.divisionCode ?? ref.city.divisionCode;
    if (division !== expected) {
      issues.push({ field: 'code', rule: `the division code (${division}) must be ${expected}, the division of ${county.name}${county.divisionCode ? '' : ` (a functional zone carries ${ref.city.name}'s)`}` });
    }
  }
  return issues;
}
