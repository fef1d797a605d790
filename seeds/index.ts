/**
 * Seed data: the city's reference data (counties, departments, industries) and
 * about two dozen demo key projects — the size of a real inspection tour (观摩).
 *
 * The JSON is imported (resolveJsonModule), so the loaders work from any working
 * directory and under jest, tsx and compiled output alike. Everything is validated
 * with the zod schemas and cross-checked; a bad entry raises a {@link SeedDataError}
 * naming the file, the array index and the field.
 */
import { z } from 'zod';
import { ProjectInput, type Project, type Stage, type ProjectCategory } from '../schemas/project';
import { ReferenceData } from '../schemas/reference';
import referenceJson from './reference.json';
import projectsJson from './projects.json';

export const REFERENCE_FILE = 'seeds/reference.json';
export const PROJECTS_FILE = 'seeds/projects.json';

/** One problem in a seed file: where (`path`, e.g. `[3].contacts[0].phone`) and what. */
export interface SeedIssue {
  /** Index in the top-level array when the file is an array (projects.json). */
  index?: number;
  /** The field, as a path inside the entry (or inside the file when it is not an array). */
  field: string;
  message: string;
}

export class SeedDataError extends Error {
  override readonly name = 'SeedDataError';
  constructor(
    readonly file: string,
    readonly issues: readonly SeedIssue[],
  ) {
    super(`${file}: invalid seed data:\n${issues.map((i) => `  - ${describe(i)}`).join('\n')}`);
  }
}

function describe(i: SeedIssue): string {
  const at = i.index === undefined ? i.field : `[${i.index}]${i.field ? `.${i.field}` : ''}`;
  return `${at || '(root)'}: ${i.message}`;
}

/** `['contacts', 0, 'phone']` → `contacts[0].phone`. */
function fieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    '',
  );
}

function zodIssues(err: z.ZodError, indexed: boolean): SeedIssue[] {
  return err.issues.map((issue) => {
    const [head, ...rest] = issue.path;
    if (indexed && typeof head === 'number') {
      return { index: head, field: fieldPath(rest), message: issue.message };
    }
    return { field: fieldPath(issue.path), message: issue.message };
  });
}

/** Validates reference data and its internal consistency (unique ids, division codes). */
export function parseReferenceData(raw: unknown, file = REFERENCE_FILE): ReferenceData {
  const parsed = ReferenceData.safeParse(raw);
  if (!parsed.success) throw new SeedDataError(file, zodIssues(parsed.error, false));
  const ref = parsed.data;
  const issues: SeedIssue[] = [];

  for (const key of ['counties', 'departments', 'industries'] as const) {
    const seen = new Set<string>();
    ref[key].forEach((entry, i) => {
      if (seen.has(entry.id)) issues.push({ field: `${key}[${i}].id`, message: `duplicate id "${entry.id}"` });
      seen.add(entry.id);
    });
  }
  ref.counties.forEach((c, i) => {
    if (c.kind !== 'functional-zone' && c.divisionCode === undefined) {
      issues.push({ field: `counties[${i}].divisionCode`, message: `a ${c.kind} must have a division code` });
    }
    if (/^\d{6}$/.test(c.id) && c.divisionCode !== undefined && c.id !== c.divisionCode) {
      issues.push({ field: `counties[${i}].id`, message: `numeric id "${c.id}" differs from divisionCode "${c.divisionCode}"` });
    }
  });
  for (const tier of ['1', '8', 'N'] as const) {
    if (!ref.industries.some((ind) => ind.tier === tier)) {
      issues.push({ field: 'industries', message: `no industry of tier "${tier}" in the 1+8+N system` });
    }
  }
  if (issues.length > 0) throw new SeedDataError(file, issues);
  return ref;
}

/** The division code a project code must carry for a county: its own, or the city's for a zone without one. */
export function expectedDivisionCode(ref: ReferenceData, countyId: string): string | undefined {
  const county = ref.counties.find((c) => c.id === countyId);
  if (!county) return undefined;
  return county.divisionCode ?? ref.city.divisionCode;
}

const PRELIMINARY_STAGES: ReadonlySet<Stage> = new Set(['conceived', 'reserve', 'preliminary']);

/** Whether a registration's category (annual-list group) fits its stage. */
export function categoryFitsStage(category: ProjectCategory, stage: Stage): boolean {
  if (PRELIMINARY_STAGES.has(stage)) return category === 'preliminary';
  if (stage === 'started') return category === 'new';
  // Under construction, completed or in production: started this year (new) or earlier (continuing).
  return category === 'new' || category === 'continuing';
}

/** Validates demo projects against the schema and cross-checks them with the reference data. */
export function parseProjects(raw: unknown, ref: ReferenceData, file = PROJECTS_FILE): Project[] {
  const parsed = z.array(ProjectInput).safeParse(raw);
  if (!parsed.success) throw new SeedDataError(file, zodIssues(parsed.error, true));
  const projects = parsed.data;
  const issues: SeedIssue[] = [];
  const counties = new Set(ref.counties.map((c) => c.id));
  const industries = new Set(ref.industries.map((i) => i.id));
  const departments = new Set(ref.departments.map((d) => d.id));
  const codes = new Map<string, number>();

  projects.forEach((p, index) => {
    if (!counties.has(p.county)) {
      issues.push({ index, field: 'county', message: `unknown county "${p.county}" (not in the reference data)` });
    }
    if (!industries.has(p.industry)) {
      issues.push({ index, field: 'industry', message: `unknown industry "${p.industry}" (not in the reference data)` });
    }
    if (!departments.has(p.leadDepartment)) {
      issues.push({
        index,
        field: 'leadDepartment',
        message: `unknown department "${p.leadDepartment}" (not in the reference data)`,
      });
    }
    const first = codes.get(p.code);
    if (first !== undefined) {
      issues.push({ index, field: 'code', message: `duplicate project code "${p.code}" (first at [${first}])` });
    } else {
      codes.set(p.code, index);
    }
    const expected = expectedDivisionCode(ref, p.county);
    const actual = p.code.split('-')[1];
    if (expected !== undefined && actual !== expected) {
      issues.push({
        index,
        field: 'code',
        message: `division code ${actual} in the project code does not match county "${p.county}" (expected ${expected})`,
      });
    }
    if (!categoryFitsStage(p.category, p.stage)) {
      issues.push({ index, field: 'category', message: `category "${p.category}" does not fit stage "${p.stage}"` });
    }
  });
  if (issues.length > 0) throw new SeedDataError(file, issues);
  return projects;
}

/** The city's reference data from seeds/reference.json, validated. */
export function loadReferenceData(): ReferenceData {
  return parseReferenceData(referenceJson);
}

/** The demo projects from seeds/projects.json, validated and cross-checked against the reference data. */
export function loadDemoProjects(): Project[] {
  return parseProjects(projectsJson, loadReferenceData());
}
