/**
 * Cell values as offices type them, turned into what a project registration expects. Each
 * conversion returns the value or the rule it breaks, in words a clerk can act on; none guesses.
 */
import type { ReferenceData } from '../../schemas/reference';
import type { ProjectCategory, Stage } from '../../schemas/project';

export type Converted<T> = { ok: true; value: T; note?: string } | { ok: false; rule: string };

const ok = <T>(value: T, note?: string): Converted<T> => ({ ok: true, value, ...(note ? { note } : {}) });
const no = (rule: string): Converted<never> => ({ ok: false, rule });

/** Excel shows long numbers as 1.39039E+10 and writes them so into CSV, digits lost. */
const SCIENTIFIC = /^[+-]?\d+(\.\d+)?e[+-]?\d+$/i;

/** Amount in 万元: `120000`, `120,000.5`, `１２００` (full-width), times the column's unit factor. */
export function amount(cell: string, factor: number): Converted<number> {
  const s = cell.normalize('NFKC').replace(/[,\s]/g, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(s)) return no(`must be a number (万元), got "${cell}"`);
  const n = Number(s) * factor;
  // Unit factors are decimal; keep binary noise (1.2345 × 10 000 = 12344.999…) out of the check for two decimals.
  return ok(factor === 1 ? n : Number(n.toFixed(6)));
}

function lastDayOfMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A date: `2026-03-15`, `2026/3/15`, `2026.3.15`, `2026年3月15日`. A month alone (`2026年3月`,
 * `2026-03`, `2026.3`), which key-project lists often give, counts as the first day of the month
 * for a start and the last for a completion, with a note saying so.
 */
export function date(cell: string, monthOnly: 'first' | 'last'): Converted<string> {
  // Excel writes a date cell formatted with its time as `2026/3/15 0:00`.
  const s = cell.normalize('NFKC').trim().replace(/\s+\d{1,2}:\d{2}(:\d{2})?$/, '').replace(/\s+/g, '');
  const full = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  if (full) return ok(`${full[1]}-${pad(Number(full[2]))}-${pad(Number(full[3]))}`);
  const month = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(s);
  if (month) {
    const y = Number(month[1]);
    const m = Number(month[2]);
    if (m < 1 || m > 12) return no(`must be a date (YYYY-MM-DD), got "${cell}"`);
    const d = monthOnly === 'first' ? 1 : lastDayOfMonth(y, m);
    return ok(`${y}-${pad(m)}-${pad(d)}`, `names a month only: taken as its ${monthOnly === 'first' ? 'first' : 'last'} day`);
  }
  if (/^\d{5}(\.\d+)?$/.test(s)) {
    return no(`"${cell}" looks like an Excel date serial number: format the column as a date (YYYY-MM-DD) and export again`);
  }
  return no(`must be a date written YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日), got "${cell}"`);
}

/** Phone numbers keep their digits and the landline dash: `0395-3361201`, `139 0395 1021`. */
export function phone(cell: string): Converted<string> {
  const s = cell.normalize('NFKC').replace(/\s+/g, '');
  if (SCIENTIFIC.test(s)) {
    return no(`"${cell}" is in Excel's scientific notation and has lost digits: format the column as text and export again`);
  }
  return ok(s);
}

const CATEGORIES: Record<string, ProjectCategory> = {
  new: 'new',
  continuing: 'continuing',
  preliminary: 'preliminary',
  新开工: 'new',
  新建: 'new',
  续建: 'continuing',
  在建: 'continuing',
  前期: 'preliminary',
  预备: 'preliminary',
};

/** 新开工 · 续建 · 前期 (with or without 项目/类), or the English ids. */
export function category(cell: string): Converted<ProjectCategory> {
  const key = cell.normalize('NFKC').replace(/\s+/g, '').replace(/(项目|类)$/, '');
  const found = CATEGORIES[key] ?? CATEGORIES[key.toLowerCase()];
  return found ? ok(found) : no(`must be 新开工, 续建 or 前期 (new, continuing, preliminary), got "${cell}"`);
}

const STAGES: Record<string, Stage> = {
  谋划: 'conceived',
  储备: 'reserve',
  前期: 'preliminary',
  新开工: 'started',
  开工: 'started',
  在建: 'underConstruction',
  续建: 'underConstruction',
  竣工: 'completed',
  投产: 'inProduction',
};
const STAGE_IDS: readonly Stage[] = ['conceived', 'reserve', 'preliminary', 'started', 'underConstruction', 'completed', 'inProduction'];

/** 谋划 · 储备 · 前期 · 新开工 · 在建/续建 · 竣工 · 投产, or the English ids. A project is not registered withdrawn. */
export function stage(cell: string): Converted<Stage> {
  const key = cell.normalize('NFKC').replace(/\s+/g, '').replace(/(阶段|项目)$/, '');
  const found = STAGES[key] ?? STAGE_IDS.find((s) => s.toLowerCase() === key.toLowerCase());
  return found ? ok(found) : no(`must be one of 谋划, 储备, 前期, 新开工, 在建, 竣工, 投产 (or ${STAGE_IDS.join(', ')}), got "${cell}"`);
}

interface Named {
  id: string;
  name: string;
  nameEn: string;
}

/** By id, Chinese name (with or without the city's 市 in front), or English name. */
function byName<T extends Named>(entries: readonly T[], cell: string, extraNames: (e: T) => string[] = () => []): T | undefined {
  const s = cell.normalize('NFKC').replace(/\s+/g, '');
  const lower = s.toLowerCase();
  const bare = s.replace(/^(漯河市|漯河|市)/, '');
  return entries.find(
    (e) => e.id === lower || e.name === s || e.name === bare || e.nameEn.toLowerCase().replace(/\s+/g, '') === lower || extraNames(e).includes(bare),
  );
}

export function county(ref: ReferenceData, cell: string): Converted<string> {
  // 临颍 for 临颍县, 源汇 for 源汇区: offices drop the suffix in narrow columns.
  const found = byName(ref.counties, cell, (c) => (c.kind === 'functional-zone' ? [] : [c.name.replace(/[县区]$/, '')]));
  if (found) return ok(found.id);
  const known = ref.counties.map((c) => `${c.name} ${c.id}`).join(', ');
  return no(`unknown county "${cell}": use a name or id from the reference data (${known})`);
}

export function industry(ref: ReferenceData, cell: string): Converted<string> {
  const found = byName(ref.industries, cell);
  return found ? ok(found.id) : no(`unknown industry "${cell}": use a name or id of the 1+8+N industries in seeds/reference.json (e.g. 饮料 food-beverage)`);
}

export function department(ref: ReferenceData, cell: string): Converted<string> {
  const found = byName(ref.departments, cell, (d) => d.aliases ?? []);
  return found ? ok(found.id) : no(`unknown department "${cell}": use a name or id from seeds/reference.json (e.g. 发展和改革委员会 fgw)`);
}

/** Several contacts in one cell: `陈某、周某` with `139…、0395-…`. */
export function splitList(cell: string): string[] {
  return cell
    .split(/[、;；,，/\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
