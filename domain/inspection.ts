import type {
  EligibilityDecision,
  InspectionConfig,
  ScoreSheet,
  SheetError,
  SheetTotal,
  Tour,
  TourCandidate,
  TourHistory,
  TourProject,
  TourProjectResult,
  TourResult,
} from '../schemas/inspection';
import type { CloseTourInput, SubmitSheetInput, SubmitSheetResult } from '../schemas/rankings';
import { FailureType } from '../schemas/errors';
import { decided, type Decision } from './decision';
import { TIE_RULE, compareIds, rankByScore, rankWithinGroups, round2 } from './ranking';
import { refuse, type Refusal } from './refusal';

/**
 * 观摩 scoring.
 *
 * Sheet total (100 scale) = Σ over criteria c of score_c ÷ maxPoints_c × weight_c, rounded to
 * 2 decimals. With the default sheet maxPoints_c = weight_c, so the total is the plain sum.
 *
 * Combined score of a project with n sheets:
 * - n < trimAt: the mean of the n totals;
 * - n ≥ trimAt: the trimmed mean — sort the totals ascending (ties by inspector id), drop exactly
 *   one lowest and one highest, average the remaining n − 2;
 * rounded to 2 decimals. Projects are then ranked overall, within their county/district/zone and
 * within their peer group (the county's kind) by domain/ranking.ts TIE_RULE.
 */

export class InvalidScoreSheet extends Error {
  override readonly name = 'InvalidScoreSheet';
  constructor(readonly sheet: Pick<ScoreSheet, 'projectCode' | 'inspector'>, readonly errors: SheetError[]) {
    super(`sheet of ${sheet.inspector} for ${sheet.projectCode} is invalid: ${errors.map((e) => e.message).join('; ')}`);
  }
}

export class UnknownTourProject extends Error {
  override readonly name = 'UnknownTourProject';
  constructor(readonly code: string) {
    super(`tour project ${code} is missing from the project list; give its name, county and county kind`);
  }
}

/**
 * Checks a sheet before it is accepted. Returns every problem found, [] when the sheet is valid.
 * Timing: a sheet is refused when the tour is closed (`tourClosed`) or submitted after
 * `tour.closesAt` (`lateSheet`). `existingSheets` are the sheets already accepted for the tour;
 * a second sheet of the same inspector for the same project is `duplicateSheet`.
 */
export function validateSheet(
  config: InspectionConfig,
  sheet: ScoreSheet,
  existingSheets: readonly ScoreSheet[],
  tour: Tour,
): SheetError[] {
  const errors: SheetError[] = [];
  if (tour.status === 'closed') {
    errors.push({ code: 'tourClosed', field: 'submittedAt', message: `tour ${tour.id} is closed; late sheets are refused` });
  } else if (Date.parse(sheet.submittedAt) > Date.parse(tour.closesAt)) {
    errors.push({
      code: 'lateSheet',
      field: 'submittedAt',
      message: `submitted at ${sheet.submittedAt}, after the tour closed for scoring at ${tour.closesAt}; late sheets are refused`,
    });
  }
  errors.push(...contentErrors(config, sheet, tour));
  const dup = existingSheets.some(
    (s) => s.tourId === sheet.tourId && s.projectCode === sheet.projectCode && sameInspector(s.inspector, sheet.inspector),
  );
  if (dup) {
    errors.push({
      code: 'duplicateSheet',
      field: 'inspector',
      message: `${sheet.inspector} has already submitted a sheet for ${sheet.projectCode}; one sheet per inspector and project`,
    });
  }
  return errors;
}

function sameInspector(a: string, b: string): boolean {
  return a.trim() === b.trim();
}

/** Problems that do not depend on time or on other sheets: tour, project and scores. */
function contentErrors(config: InspectionConfig, sheet: ScoreSheet, tour: Tour): SheetError[] {
  const errors: SheetError[] = [];
  if (sheet.tourId !== tour.id) {
    errors.push({ code: 'wrongTour', field: 'tourId', message: `sheet is for tour ${sheet.tourId}, not ${tour.id}` });
  }
  if (!tour.projects.includes(sheet.projectCode)) {
    errors.push({
      code: 'projectNotInTour',
      field: 'projectCode',
      message: `project ${sheet.projectCode} is not among the projects of tour ${tour.id}`,
    });
  }
  for (const c of config.criteria) {
    const field = `scores.${c.id}`;
    const label = `${c.name} (${c.id})`;
    const v = Object.prototype.hasOwnProperty.call(sheet.scores, c.id) ? sheet.scores[c.id] : undefined;
    if (v === undefined) {
      errors.push({ code: 'missingCriterion', field, message: `${label}: no score given; score every criterion from 0 to ${c.maxPoints}` });
    } else if (typeof v !== 'number' || !Number.isFinite(v)) {
      errors.push({ code: 'scoreNotNumber', field, message: `${label}: the score must be a number from 0 to ${c.maxPoints}` });
    } else if (v < 0) {
      errors.push({ code: 'scoreNegative', field, message: `${label}: score ${v} is negative; scores are from 0 to ${c.maxPoints}` });
    } else if (v > c.maxPoints) {
      errors.push({ code: 'scoreAboveMax', field, message: `${label}: score ${v} is above the maximum of ${c.maxPoints} points` });
    }
  }
  const known = new Set(config.criteria.map((c) => c.id));
  for (const id of Object.keys(sheet.scores).sort(compareIds)) {
    if (!known.has(id)) {
      errors.push({
        code: 'unknownCriterion',
        field: `scores.${id}`,
        message: `${id} is not a criterion of the score sheet (criteria: ${config.criteria.map((c) => c.id).join(', ')})`,
      });
    }
  }
  return errors;
}

/** A sheet's total on the 100 scale: Σ score_c ÷ maxPoints_c × weight_c, rounded to 2 decimals. */
export function sheetTotal(config: InspectionConfig, sheet: Pick<ScoreSheet, 'scores'>): number {
  return round2(config.criteria.reduce((s, c) => s + ((sheet.scores[c.id] ?? 0) / c.maxPoints) * c.weight, 0));
}

/**
 * Combines the totals of one project's sheets (see the module comment). Returns the totals in
 * order with the dropped ones marked.
 */
export function combineTotals(
  totals: readonly { inspector: string; total: number }[],
  trimAt: number,
): { sheets: SheetTotal[]; method: 'mean' | 'trimmedMean'; combined: number } {
  if (totals.length === 0) throw new RangeError('a project needs at least one sheet to be combined');
  const sorted = [...totals].sort((a, b) => a.total - b.total || compareIds(a.inspector, b.inspector));
  const trim = sorted.length >= trimAt;
  const sheets: SheetTotal[] = sorted.map((t, i) => ({
    inspector: t.inspector,
    total: t.total,
    dropped: !trim ? null : i === 0 ? 'lowest' : i === sorted.length - 1 ? 'highest' : null,
  }));
  const kept = sheets.filter((s) => s.dropped === null);
  return {
    sheets,
    method: trim ? 'trimmedMean' : 'mean',
    combined: round2(kept.reduce((s, t) => s + t.total, 0) / kept.length),
  };
}

/**
 * Scores and ranks a tour. `sheets` are the accepted sheets of the tour; each is checked again
 * for content (tour, project, scores) and duplicates — an invalid one throws InvalidScoreSheet
 * naming the problems. Timing is not checked again: sheets accepted before closing stay valid.
 * Every tour project must be in `projects` (else UnknownTourProject); projects without any sheet
 * are listed in `unscored` and not ranked.
 */
export function scoreTour(
  config: InspectionConfig,
  tour: Tour,
  sheets: readonly ScoreSheet[],
  projects: readonly TourProject[],
): TourResult {
  const info = new Map(projects.map((p) => [p.code, p]));
  for (const code of tour.projects) if (!info.has(code)) throw new UnknownTourProject(code);

  const byProject = new Map<string, ScoreSheet[]>(tour.projects.map((code) => [code, []]));
  for (const sheet of sheets) {
    const errors = contentErrors(config, sheet, tour);
    const list = byProject.get(sheet.projectCode) ?? [];
    if (list.some((s) => sameInspector(s.inspector, sheet.inspector))) {
      errors.push({
        code: 'duplicateSheet',
        field: 'inspector',
        message: `${sheet.inspector} has two sheets for ${sheet.projectCode}; one sheet per inspector and project`,
      });
    }
    if (errors.length > 0) throw new InvalidScoreSheet(sheet, errors);
    list.push(sheet);
  }

  const scored: Omit<TourProjectResult, 'rank' | 'countyRank' | 'peerRank'>[] = [];
  const unscored: string[] = [];
  for (const code of tour.projects) {
    const list = byProject.get(code) ?? [];
    const p = info.get(code);
    if (!p) throw new UnknownTourProject(code);
    if (list.length === 0) {
      unscored.push(code);
      continue;
    }
    const combined = combineTotals(
      list.map((s) => ({ inspector: s.inspector.trim(), total: sheetTotal(config, s) })),
      config.trimAt,
    );
    scored.push({ projectCode: code, name: p.name, county: p.county, countyName: p.countyName, kind: p.kind, ...combined });
  }

  type Line = (typeof scored)[number];
  const idOf = (l: Line) => l.projectCode;
  const scoreOf = (l: Line) => l.combined;
  const countyRanks = rankWithinGroups(scored, (l) => l.county, idOf, scoreOf);
  const peerRanks = rankWithinGroups(scored, (l) => l.kind, idOf, scoreOf);

  return {
    tourId: tour.id,
    tourName: tour.name,
    date: tour.date,
    trimAt: config.trimAt,
    tieRule: TIE_RULE,
    projects: rankByScore(scored, idOf, scoreOf).map(({ item, rank }) => ({
      ...item,
      rank,
      countyRank: countyRanks.get(item.projectCode) ?? 1,
      peerRank: peerRanks.get(item.projectCode) ?? 1,
    })),
    unscored,
  };
}

/**
 * Eligibility for a tour (Gansu 2015 rules, in configuration):
 * - completed investment ÷ total investment ≥ minInvestmentShare (default 1/3; exactly a third passes);
 * - not shown on a tour whose year y satisfies tourYear − excludeShownWithinYears ≤ y ≤ tourYear
 *   (default 3: a 2024 tour excludes projects shown in 2021, 2022, 2023 or earlier in 2024).
 * Returns every reason that excludes the project; eligible when there is none.
 */
export function isEligibleForTour(
  project: TourCandidate,
  history: TourHistory,
  config: InspectionConfig,
): EligibilityDecision {
  const { minInvestmentShare, excludeShownWithinYears } = config.eligibility;
  const reasons: EligibilityDecision['reasons'] = [];
  if (project.totalInvestment <= 0) {
    reasons.push({ code: 'noTotalInvestment', message: `project ${project.code} has no total investment, so its completed share cannot be judged` });
  } else {
    const share = project.investmentCompletedToDate / project.totalInvestment;
    // A tolerance of 1e-9 lets exactly one third pass despite binary fractions.
    if (share < minInvestmentShare - 1e-9) {
      reasons.push({
        code: 'investmentShareTooLow',
        message: `project ${project.code} has completed ${(share * 100).toFixed(1)} % of its total investment; at least ${(minInvestmentShare * 100).toFixed(1)} % is required`,
      });
    }
  }
  const from = history.tourYear - excludeShownWithinYears;
  const recent = history.shown
    .filter((s) => s.projectCode === project.code && s.year >= from && s.year <= history.tourYear)
    .map((s) => s.year)
    .sort((a, b) => b - a);
  if (recent.length > 0) {
    reasons.push({
      code: 'shownRecently',
      message: `project ${project.code} was shown on a tour in ${recent[0]}; projects shown in ${from}–${history.tourYear} are not shown again`,
    });
  }
  return { eligible: reasons.length === 0, reasons };
}

// ---- a tour's requests (the tour workflow applies these decisions: workflows/shared/entity.ts) ----

/** What a tour decides requests on: the tour, the sheets accepted so far, an organiser's close request. */
export interface TourScoring {
  tour: Tour;
  sheets: readonly ScoreSheet[];
  closeRequest: { by: string; reason?: string } | null;
}

/** Sheet problems that are about time: the tour is closed, or the sheet came after closesAt. */
const TIMING: readonly SheetError['code'][] = ['tourClosed', 'lateSheet'];

/**
 * Refuses a sheet with every problem found. Time comes first: a sheet after the close is refused
 * as TourClosed whatever its content; otherwise ValidationFailed. Issues name the sheet's field
 * (`scores.progress`, `projectCode`, `inspector`, `submittedAt`), the rule, and the domain code.
 */
export function sheetRefusal(errors: readonly SheetError[]): Refusal {
  const timing = errors.filter((e) => TIMING.includes(e.code));
  const shown = timing.length > 0 ? timing : errors;
  const issues = shown.map((e) => ({ field: e.field, rule: e.message, code: e.code }));
  return refuse(timing.length > 0 ? FailureType.TourClosed : FailureType.ValidationFailed, issues.map((i) => `${i.field}: ${i.rule}`).join('; '), issues);
}

/**
 * An inspector's sheet, stamped with the tour and the time it arrived (`now`, the tour's clock,
 * never the inspector's), accepted when valid (validateSheet).
 */
export function submitSheet(config: InspectionConfig, s: TourScoring, req: SubmitSheetInput, now: Date): Decision<TourScoring, SubmitSheetResult> {
  const sheet: ScoreSheet = { tourId: s.tour.id, projectCode: req.projectCode, inspector: req.inspector, scores: req.scores, submittedAt: now.toISOString() };
  const errors = validateSheet(config, sheet, s.sheets, s.tour);
  if (errors.length > 0) return sheetRefusal(errors);
  const sheets = [...s.sheets, sheet];
  return decided({ ...s, sheets }, {
    tourId: s.tour.id,
    projectCode: sheet.projectCode,
    inspector: sheet.inspector,
    submittedAt: sheet.submittedAt,
    total: sheetTotal(config, sheet),
    sheetsForProject: sheets.filter((x) => x.projectCode === sheet.projectCode).length,
  });
}

/**
 * An organiser asks to close scoring now (the first request counts). Anyone else is refused when
 * the tour names its organisers; closing a closed tour changes nothing (it answers with its ranking).
 */
export function requestTourClose(organisers: readonly string[], s: TourScoring, req: Pick<CloseTourInput, 'actor' | 'reason'>): Decision<TourScoring, void> {
  if (s.tour.status !== 'open') return decided(s, undefined);
  if (organisers.length > 0 && !organisers.includes(req.actor.by.trim())) {
    return refuse(FailureType.NotTourOrganiser, `${req.actor.by} is not an organiser of tour ${s.tour.id} (organisers: ${organisers.join(', ')})`);
  }
  return decided(s.closeRequest === null ? { ...s, closeRequest: { by: req.actor.by, reason: req.reason } } : s, undefined);
}
