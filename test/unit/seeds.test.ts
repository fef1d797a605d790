import {
  loadDemoProjects,
  loadReferenceData,
  parseProjects,
  parseReferenceData,
  expectedDivisionCode,
  SeedDataError,
} from '../../seeds';
import referenceJson from '../../seeds/reference.json';
import projectsJson from '../../seeds/projects.json';

/** A deep copy of the raw JSON that a test may break without touching the module's copy. */
function rawProjects(): Record<string, unknown>[] {
  return structuredClone(projectsJson) as Record<string, unknown>[];
}
function rawReference(): Record<string, unknown> {
  return structuredClone(referenceJson) as Record<string, unknown>;
}

function errorOf(fn: () => unknown): SeedDataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SeedDataError);
    return e as SeedDataError;
  }
  throw new Error('expected a SeedDataError, nothing was thrown');
}

describe('reference data', () => {
  const ref = loadReferenceData();

  it('loads Luohe with its five counties/districts and three functional zones', () => {
    expect(ref.city).toEqual({ name: '漯河市', nameEn: 'Luohe', divisionCode: '411100' });
    const byKind = (k: string) => ref.counties.filter((c) => c.kind === k).map((c) => c.id);
    expect(byKind('district')).toEqual(['411102', '411103', '411104']);
    expect(byKind('county')).toEqual(['411121', '411122']);
    expect(byKind('functional-zone')).toEqual(['etdz', 'urdz', 'xicheng']);
    for (const z of ref.counties.filter((c) => c.kind === 'functional-zone')) expect(z.divisionCode).toBeUndefined();
  });

  it('has the approval departments, the single window, the supervisors and the weekly-meeting office', () => {
    const ids = ref.departments.map((d) => d.id);
    for (const id of ['fgw', 'zrzy', 'sthj', 'zjj', 'xf', 'rf', 'scjg', 'sl', 'jt', 'xzsp', 'dcs', 'hyb']) {
      expect(ids).toContain(id);
    }
  });

  it('covers the 1+8+N industry system: food chain, the eight pillars, emerging fields', () => {
    const tier = (t: string) => ref.industries.filter((i) => i.tier === t).length;
    expect(tier('1')).toBeGreaterThanOrEqual(1);
    expect(tier('8')).toBe(8);
    expect(tier('N')).toBeGreaterThanOrEqual(5);
  });

  it('rejects duplicate ids and a district without a division code', () => {
    const raw = rawReference() as { counties: Record<string, unknown>[]; departments: { id: string }[] };
    delete raw.counties[0]!.divisionCode;
    raw.departments[1]!.id = raw.departments[0]!.id;
    const err = errorOf(() => parseReferenceData(raw));
    expect(err.file).toBe('seeds/reference.json');
    expect(err.message).toContain('counties[0].divisionCode');
    expect(err.message).toContain('departments[1].id');
  });

  it('rejects a schema violation with the field path', () => {
    const raw = rawReference() as { industries: Record<string, unknown>[] };
    raw.industries[2]!.tier = '9';
    const err = errorOf(() => parseReferenceData(raw));
    expect(err.message).toContain('industries[2].tier');
  });
});

describe('demo projects', () => {
  const ref = loadReferenceData();
  const projects = loadDemoProjects();

  it('loads about two dozen projects, the size of an inspection tour', () => {
    expect(projects.length).toBeGreaterThanOrEqual(20);
    expect(projects.length).toBeLessThanOrEqual(32);
  });

  it('includes the projects named in reports of Luohe tours', () => {
    const names = projects.map((p) => p.name).join('\n');
    for (const s of ['统一', '怡宝', '利通液压', '永光电力', '金大地', '临颍现代家居']) expect(names).toContain(s);
  });

  it('references existing counties, industries and departments', () => {
    const counties = new Set(ref.counties.map((c) => c.id));
    const industries = new Set(ref.industries.map((i) => i.id));
    const departments = new Set(ref.departments.map((d) => d.id));
    for (const p of projects) {
      expect(counties).toContain(p.county);
      expect(industries).toContain(p.industry);
      expect(departments).toContain(p.leadDepartment);
    }
  });

  it('has unique project codes whose division code matches the county (411100 for zones)', () => {
    expect(new Set(projects.map((p) => p.code)).size).toBe(projects.length);
    for (const p of projects) {
      const division = p.code.split('-')[1];
      const county = ref.counties.find((c) => c.id === p.county)!;
      expect(division).toBe(county.kind === 'functional-zone' ? '411100' : county.id);
      expect(expectedDivisionCode(ref, p.county)).toBe(division);
    }
  });

  it('spreads over every county and zone, every tier, and the stages', () => {
    expect(new Set(projects.map((p) => p.county))).toEqual(new Set(ref.counties.map((c) => c.id)));
    const tiers = new Set(projects.map((p) => ref.industries.find((i) => i.id === p.industry)!.tier));
    expect(tiers).toEqual(new Set(['1', '8', 'N']));
    const stages = new Set(projects.map((p) => p.stage));
    for (const s of ['conceived', 'reserve', 'preliminary', 'started', 'underConstruction', 'completed', 'inProduction']) {
      expect(stages).toContain(s);
    }
  });

  it('keeps category consistent with stage and money and dates plausible', () => {
    for (const p of projects) {
      if (['conceived', 'reserve', 'preliminary'].includes(p.stage)) expect(p.category).toBe('preliminary');
      else if (p.stage === 'started') expect(p.category).toBe('new');
      else expect(['new', 'continuing']).toContain(p.category);
      expect(p.annualPlannedInvestment).toBeLessThanOrEqual(p.totalInvestment);
      expect(p.totalInvestment).toBeGreaterThanOrEqual(5_000);
      expect(p.totalInvestment).toBeLessThanOrEqual(500_000);
      for (const d of [p.plannedStart, p.plannedCompletion]) {
        expect(d >= '2025-01-01' && d <= '2028-12-31').toBe(true);
      }
    }
  });

  describe('a broken copy is rejected, naming file, index and field', () => {
    it('schema: annual plan above total', () => {
      const raw = rawProjects();
      raw[3]!.annualPlannedInvestment = (raw[3]!.totalInvestment as number) + 1;
      const err = errorOf(() => parseProjects(raw, ref));
      expect(err.file).toBe('seeds/projects.json');
      expect(err.issues).toContainEqual(
        expect.objectContaining({ index: 3, field: 'annualPlannedInvestment', message: 'must not exceed totalInvestment' }),
      );
      expect(err.message).toContain('seeds/projects.json');
      expect(err.message).toContain('[3].annualPlannedInvestment: must not exceed totalInvestment');
    });

    it('schema: nested field (contact phone) and a bad project code', () => {
      const raw = rawProjects();
      (raw[0]!.contacts as { phone: string }[])[0]!.phone = '12345';
      raw[5]!.code = '2025-411122-21-07-000058';
      const err = errorOf(() => parseProjects(raw, ref));
      expect(err.message).toContain('[0].contacts[0].phone');
      expect(err.message).toContain('[5].code');
    });

    it('cross-check: unknown county, industry and department', () => {
      const raw = rawProjects();
      raw[1]!.county = '411199';
      raw[2]!.industry = 'tobacco';
      raw[4]!.leadDepartment = 'nobody';
      const err = errorOf(() => parseProjects(raw, ref));
      expect(err.issues).toContainEqual(expect.objectContaining({ index: 1, field: 'county' }));
      expect(err.issues).toContainEqual(expect.objectContaining({ index: 2, field: 'industry' }));
      expect(err.issues).toContainEqual(expect.objectContaining({ index: 4, field: 'leadDepartment' }));
    });

    it('cross-check: duplicate code and division code not matching the county', () => {
      const raw = rawProjects();
      raw[7]!.code = raw[6]!.code; // a 源汇区 code on a 郾城区 project, and a duplicate
      const err = errorOf(() => parseProjects(raw, ref));
      const onSeven = err.issues.filter((i) => i.index === 7).map((i) => i.message);
      expect(onSeven.some((m) => m.includes('duplicate project code'))).toBe(true);
      expect(onSeven.some((m) => m.includes('expected 411103'))).toBe(true);
      expect(err.message).toContain('[7].code');
    });

    it('cross-check: a functional-zone project must carry the city code 411100', () => {
      const raw = rawProjects();
      const i = raw.findIndex((p) => p.county === 'etdz');
      raw[i]!.code = (raw[i]!.code as string).replace('-411100-', '-411102-');
      const err = errorOf(() => parseProjects(raw, ref));
      expect(err.issues).toContainEqual(expect.objectContaining({ index: i, field: 'code' }));
    });

    it('cross-check: category must fit stage', () => {
      const raw = rawProjects();
      const i = raw.findIndex((p) => p.stage === 'conceived');
      raw[i]!.category = 'continuing';
      const err = errorOf(() => parseProjects(raw, ref));
      expect(err.issues).toContainEqual(expect.objectContaining({ index: i, field: 'category' }));
    });

    it('the untouched copy still passes', () => {
      expect(parseProjects(rawProjects(), ref)).toHaveLength(projects.length);
    });
  });
});
