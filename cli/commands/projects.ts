import { mapLimited, QUERY_CONCURRENCY } from '../../client/concurrency';
import { aliasFor } from '../../client/aliases';
import type { ProjectFilter } from '../../client/projects';
import { WarningLevel } from '../../schemas/lifecycle';
import { Stage } from '../../schemas/project';
import { loadReferenceData } from '../../seeds';
import { countyId, countyName, JSON_OPTION, oneOf, str, type Command } from '../command';
import { usageError } from '../exitCodes';
import { withClient } from '../connect';
import { percent, writeJson, writeTable } from '../output';

function industryId(value: string): string {
  const ref = loadReferenceData();
  const found = ref.industries.find((i) => i.id === value.trim().toLowerCase() || i.name === value.trim());
  if (!found) throw usageError(`--industry: unknown industry "${value}" (known: ${ref.industries.map((i) => i.id).join(', ')})`);
  return found.id;
}

export const projectsList: Command = {
  words: ['projects', 'list'],
  args: [],
  summary: 'list projects by stage, county, industry, warning light, stall',
  usage: 'keyflow projects list [--stage S] [--county C] [--industry I] [--warning green|yellow|red] [--stalled] [--open] [--json]',
  help: [
    '  --stage S      one of ' + Stage.options.join(', '),
    '  --county C     county id or name (411122, 临颍县, 临颍)',
    '  --industry I   industry id or name (food-beverage, 饮料)',
    '  --warning W    green, yellow or red',
    '  --stalled      only stalled projects',
    '  --open         leave out closed projects (in production, withdrawn)',
    '  --json         the listing as JSON: [{ code, name, stage, county, industry, warning, stalled, daysSinceReport, completionRate, status }]',
    'Listings come from Temporal visibility, which trails changes by a moment.',
  ].join('\n'),
  options: {
    stage: { type: 'string' },
    county: { type: 'string' },
    industry: { type: 'string' },
    warning: { type: 'string' },
    stalled: { type: 'boolean' },
    open: { type: 'boolean' },
    ...JSON_OPTION,
  },
  async run(input, io) {
    const stage = str(input, 'stage');
    const county = str(input, 'county');
    const industry = str(input, 'industry');
    const warning = str(input, 'warning');
    const filter: ProjectFilter = {
      ...(stage !== undefined ? { stage: oneOf(aliasFor('stage', stage), Stage.options, '--stage') } : {}),
      ...(county !== undefined ? { county: countyId(county) } : {}),
      ...(industry !== undefined ? { industry: industryId(industry) } : {}),
      ...(warning !== undefined ? { warning: oneOf(aliasFor('warning', warning), WarningLevel.options, '--warning') } : {}),
      ...(input.options.stalled ? { stalled: true } : {}),
      includeClosed: !input.options.open,
    };
    const { getProjectState, listProjects } = await import('../../client/projects');
    const projects = await withClient(io.env, async (ctx) => {
      const listed = await listProjects(ctx, filter);
      // Projects registered before the listing kept names: asked one by one, a few at a time.
      return mapLimited(listed, QUERY_CONCURRENCY, async (p) => {
        if (p.name !== undefined) return p;
        const name = await getProjectState(ctx, p.code).then((st) => st.project.name, () => undefined);
        return name === undefined ? p : { ...p, name };
      });
    });
    if (input.json) {
      writeJson(io, projects);
      return 0;
    }
    writeTable(
      io,
      ['CODE', 'NAME', 'STAGE', 'COUNTY', 'INDUSTRY', 'WARNING', 'STALLED', 'DAYS SINCE REPORT', 'COMPLETION', 'STATUS'],
      projects.map((p) => [p.code, p.name, p.stage, countyName(p.county), p.industry, p.warning, p.stalled ? 'stalled' : '', p.daysSinceReport, percent(p.completionRate), p.status]),
      '(no project matches)',
    );
    return 0;
  },
};
