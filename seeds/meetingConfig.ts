import { MeetingConfig, MeetingConfigInput } from '../schemas/meeting';
import { issuesOf, ValidationError } from '../schemas/validation';
import { loadReferenceData } from './index';
import meetingSeed from './meeting.json';

/**
 * The weekly meeting's configuration: seeds/meeting.json (the defaults, to confirm) or `raw`,
 * validated, with department and county names filled in from the reference data. Mobile numbers
 * in the seed are fictitious placeholders for the demo; a deployment supplies its own.
 * Departments named in the directory must exist in the reference data.
 */
export function loadMeetingConfig(raw: unknown = meetingSeed): MeetingConfig {
  const parsed = MeetingConfig.safeParse(raw);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error, 'meeting'));
  const config = parsed.data;
  const ref = loadReferenceData();
  const known = new Map(ref.departments.map((d) => [d.id, d.name]));
  const unknown = [
    ...Object.keys(config.directory.departments),
    ...config.followUps.escalateTo,
    config.office,
  ].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ValidationError([...new Set(unknown)].map((id) => ({ field: 'meeting.directory.departments', rule: `unknown department "${id}" (not in seeds/reference.json)` })));
  }
  const departments: MeetingConfig['directory']['departments'] = {};
  for (const d of ref.departments) {
    const own = config.directory.departments[d.id];
    departments[d.id] = { name: own?.name ?? d.name, mobiles: own?.mobiles ?? [] };
  }
  const counties: Record<string, string> = {};
  for (const c of ref.counties) counties[c.id] = c.name;
  return { ...config, directory: { ...config.directory, departments, counties: { ...counties, ...config.directory.counties } } };
}

export type { MeetingConfigInput };
