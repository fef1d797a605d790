/**
 * The ready-made 观摩 inspection tour of the demo (seeds/demo-tour.json): 12 demo projects in every
 * county, district and zone, and the sheets of 5 inspectors. `runDemoTour` opens it, hands in the
 * sheets, closes it and returns the published ranking with the report paths.
 */
import { z } from 'zod';
import { closeTour, getTour, openTour, submitSheet } from '../client/rankings';
import { KeyflowError } from '../client/errors';
import type { ClientContext } from '../client/projects';
import { shanghaiDate } from '../domain/calendar';
import { validateSheet } from '../domain/inspection';
import { Slug } from '../schemas/common';
import { FailureType } from '../schemas/errors';
import type { InspectionConfig, TourProject } from '../schemas/inspection';
import { ProjectCode } from '../schemas/project';
import type { SubmitSheetInput, TourRecord } from '../schemas/rankings';
import demoTourJson from './demo-tour.json';
import { loadDemoProjects, loadReferenceData, SeedDataError, type SeedIssue } from './index';
import { loadInspectionConfig } from './rankingConfig';

export const DEMO_TOUR_FILE = 'seeds/demo-tour.json';

const DemoTourFile = z.object({
  tour: z.object({
    id: Slug,
    name: z.string().trim().min(2),
    /** The tour closes this long after it is opened (the demo's organiser closes it at once). */
    closesInHours: z.number().positive('must be more than 0').default(72),
    /** The organiser's account; only the organiser may close the tour early. */
    organiser: z.string().trim().min(1),
  }),
  /** Criterion ids, in the order of each score list. */
  criteria: z.array(z.string()).min(1),
  inspectors: z.array(z.string().trim().min(1)).min(1),
  /** Per project: per inspector, the scores in `criteria` order. */
  sheets: z.array(z.object({ project: ProjectCode, scores: z.record(z.string(), z.array(z.number())) })).min(1),
});

export interface DemoTour {
  tourId: string;
  name: string;
  organiser: string;
  closesInHours: number;
  config: InspectionConfig;
  /** Visited projects, in visiting order, as the ranking shows them. */
  projects: TourProject[];
  sheets: SubmitSheetInput[];
}

/**
 * The demo tour, validated: every project a demo project listed once, the criteria those of the
 * inspection configuration, every score list complete and every sheet valid against the score
 * sheet (domain/inspection.ts validateSheet, as the tour will check it). Problems raise a
 * SeedDataError naming the entry and field.
 */
export function loadDemoTour(raw: unknown = demoTourJson, config: InspectionConfig = loadInspectionConfig()): DemoTour {
  const parsed = DemoTourFile.safeParse(raw);
  if (!parsed.success) {
    throw new SeedDataError(DEMO_TOUR_FILE, parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  }
  const file = parsed.data;
  const issues: SeedIssue[] = [];
  const ref = loadReferenceData();
  const demo = new Map(loadDemoProjects().map((p) => [p.code, p]));

  const configured = config.criteria.map((c) => c.id);
  if ([...file.criteria].sort().join() !== [...configured].sort().join() || new Set(file.criteria).size !== file.criteria.length) {
    issues.push({ field: 'criteria', message: `must list each criterion of the score sheet once (${configured.join(', ')})` });
  }

  const projects: TourProject[] = [];
  const sheets: SubmitSheetInput[] = [];
  file.sheets.forEach((entry, i) => {
    const p = demo.get(entry.project);
    const county = ref.counties.find((c) => c.id === p?.county);
    if (!p || !county) {
      issues.push({ field: `sheets[${i}].project`, message: `${entry.project} is not a demo project of seeds/projects.json` });
      return;
    }
    if (projects.some((q) => q.code === p.code)) {
      issues.push({ field: `sheets[${i}].project`, message: `${p.code} is listed twice` });
      return;
    }
    projects.push({ code: p.code, name: p.name, owner: p.owner, county: p.county, countyName: county.name, kind: county.kind });
    for (const [inspector, list] of Object.entries(entry.scores)) {
      const field = `sheets[${i}].scores.${inspector}`;
      if (!file.inspectors.includes(inspector)) issues.push({ field, message: `${inspector} is not among the inspectors` });
      if (list.length !== file.criteria.length) {
        issues.push({ field, message: `must give ${file.criteria.length} scores, one per criterion (${file.criteria.join(', ')})` });
        continue;
      }
      sheets.push({ projectCode: p.code, inspector, scores: Object.fromEntries(file.criteria.map((c, k) => [c, list[k]!])) });
    }
  });

  // Check every sheet as the tour will, against an open tour of these projects.
  const tour = { id: file.tour.id, name: file.tour.name, date: '2000-01-01', projects: projects.map((p) => p.code), closesAt: '2100-01-01T00:00:00Z', status: 'open' as const };
  const accepted: Parameters<typeof validateSheet>[2][number][] = [];
  for (const s of sheets) {
    const sheet = { ...s, tourId: tour.id, submittedAt: '2000-01-01T00:00:00Z' };
    for (const e of validateSheet(config, sheet, accepted, tour)) issues.push({ field: `sheets[${s.projectCode}].scores.${s.inspector}.${e.field}`, message: e.message });
    accepted.push(sheet);
  }
  if (issues.length > 0) throw new SeedDataError(DEMO_TOUR_FILE, issues);
  return { tourId: file.tour.id, name: file.tour.name, organiser: file.tour.organiser, closesInHours: file.tour.closesInHours, config, projects, sheets };
}

export interface DemoTourRun {
  record: TourRecord;
  /** False when an earlier run had already opened the tour (the ranking is then its ranking). */
  opened: boolean;
  sheetsSubmitted: number;
}

async function inBatches<T>(items: readonly T[], size: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/**
 * Runs the demo tour end to end: opens it (once — a second run finds it open or published and
 * carries on), hands in every sheet the tour does not have yet, closes it as the organiser and
 * returns the published ranking with the paths of its HTML and CSV report.
 */
export async function runDemoTour(ctx: ClientContext, opts: { now?: Date; tourId?: string } = {}): Promise<DemoTourRun> {
  const demo = loadDemoTour();
  const tourId = opts.tourId ?? demo.tourId;
  const now = opts.now ?? new Date();
  let opened = true;
  try {
    await openTour(
      ctx,
      {
        tourId,
        name: demo.name,
        date: shanghaiDate(now),
        projects: demo.projects,
        config: demo.config,
        closesAt: new Date(now.getTime() + demo.closesInHours * 3600_000).toISOString(),
        organisers: [demo.organiser],
      },
      now,
    );
  } catch (err) {
    if (!(err instanceof KeyflowError && err.type === FailureType.TourAlreadyOpened)) throw err;
    opened = false;
  }
  const view = await getTour(ctx, tourId);
  if (view.record) return { record: view.record, opened, sheetsSubmitted: 0 };
  const have = new Set(view.sheets.map((s) => `${s.projectCode} ${s.inspector}`));
  const missing = demo.sheets.filter((s) => !have.has(`${s.projectCode} ${s.inspector}`));
  await inBatches(missing, 5, (s) => submitSheet(ctx, tourId, s));
  const record = await closeTour(ctx, tourId, { actor: { by: demo.organiser }, reason: 'demo: every inspector has handed in' });
  return { record, opened, sheetsSubmitted: missing.length };
}
