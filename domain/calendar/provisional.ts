/**
 * Provisional years (暂定年度安排): a year's arrangement derived from the statutory rules while
 * the State Council notice for it is not out yet, so a deadline reaching into that year is
 * counted — and marked provisional — instead of blocking.
 *
 * Rules: 全国年节及纪念日放假办法 as amended by 国务院令第795号 (in force 2025-01-01), art. 2
 * (days off for everyone, 13 in all):
 *   元旦 1 January · 春节 农历除夕 and 正月初一至初三 (4) · 清明 the Qingming solar term day ·
 *   劳动节 1–2 May · 端午 农历五月初五 · 中秋 农历八月十五 · 国庆 1–3 October.
 * Art. 6 (补假): a day off for everyone that falls on a Saturday or Sunday is given back on a
 * working day. The rule implemented here, festival by festival in date order: every statutory
 * day that falls on a Saturday or Sunday, or on a day already off for an earlier festival (中秋
 * on 1–3 October, as in 2028), owes one day; owed days are given on the first Mondays–Fridays
 * after the festival's last statutory day that are not already off. Make-up working days (调休)
 * cannot be derived — only a notice sets them — so a provisional year has none, and its
 * long weekends are shorter than the notice will make them.
 *
 * Not re-exported from ./index: that index is imported by workflow code, and the lunar library
 * must stay out of the workflow bundle. The worker's calendar (seeds/holidays.ts) uses this.
 */
import { Lunar, Solar } from 'lunar-typescript';
import type { HolidayPeriod, YearArrangement } from './holidays';
import { PROVISIONAL_HORIZON_YEARS, PROVISIONAL_DOCUMENT_NUMBER, provisionalBasis } from './provisionalText';
import { addCalendarDays, isoWeekday, type LocalDate } from './workingDays';

export { PROVISIONAL_DOCUMENT_NUMBER, PROVISIONAL_HORIZON_YEARS, provisionalBasis } from './provisionalText';

const ymd = (s: Solar): LocalDate => s.toYmd();

/** The statutory days off of `year` per festival, in date order (before 补假). */
export function statutoryDays(year: number): { name: string; dates: LocalDate[] }[] {
  const springDay1 = ymd(Lunar.fromYmd(year, 1, 1).getSolar());
  const qingming = Solar.fromYmd(year, 4, 10).getLunar().getJieQiTable()['清明'];
  if (!qingming) throw new Error(`no Qingming solar term found for ${year}`);
  const festivals = [
    { name: '元旦', dates: [`${year}-01-01`] },
    { name: '春节', dates: [-1, 0, 1, 2].map((k) => addCalendarDays(springDay1, k)) },
    { name: '清明节', dates: [ymd(qingming)] },
    { name: '劳动节', dates: [`${year}-05-01`, `${year}-05-02`] },
    { name: '端午节', dates: [ymd(Lunar.fromYmd(year, 5, 5).getSolar())] },
    { name: '中秋节', dates: [ymd(Lunar.fromYmd(year, 8, 15).getSolar())] },
    { name: '国庆节', dates: [`${year}-10-01`, `${year}-10-02`, `${year}-10-03`] },
  ];
  return festivals.sort((a, b) => (a.dates[0]! < b.dates[0]! ? -1 : a.dates[0]! > b.dates[0]! ? 1 : 0));
}

const isWeekend = (d: LocalDate): boolean => isoWeekday(d) >= 6;

/**
 * The provisional arrangement of `year`: statutory days plus the days given back (补假), as
 * contiguous periods (weekend days inside a run of days off belong to it, as in the notices).
 */
export function provisionalYear(year: number): YearArrangement {
  const off = new Map<LocalDate, string>();
  for (const f of statutoryDays(year)) {
    let owed = 0;
    for (const d of f.dates) {
      if (isWeekend(d) || off.has(d)) owed++;
      if (!off.has(d)) off.set(d, f.name);
    }
    let d = f.dates[f.dates.length - 1]!;
    while (owed > 0) {
      d = addCalendarDays(d, 1);
      if (isWeekend(d) || off.has(d)) continue;
      off.set(d, f.name);
      owed--;
    }
  }
  const holidays: HolidayPeriod[] = [];
  const dates = [...off.keys()].sort();
  for (const d of dates) {
    const last = holidays[holidays.length - 1];
    // Joins the previous run when only weekend days lie between.
    let gapOnlyWeekend = last !== undefined;
    if (last) {
      for (let g = addCalendarDays(last.to, 1); g < d; g = addCalendarDays(g, 1)) if (!isWeekend(g)) gapOnlyWeekend = false;
    }
    const name = off.get(d)!;
    if (last && gapOnlyWeekend) holidays[holidays.length - 1] = { name: last.name.split('、').includes(name) ? last.name : `${last.name}、${name}`, from: last.from, to: d };
    else holidays.push({ name, from: d, to: d });
  }
  const basis = provisionalBasis(year);
  return {
    year,
    notice: {
      title: `${year}年部分节假日安排（暂定：国务院办公厅通知尚未发布，按《全国年节及纪念日放假办法》推算）`,
      documentNumber: PROVISIONAL_DOCUMENT_NUMBER,
      published: `${year - 1}-01-01`,
    },
    amendments: [],
    holidays,
    makeupWorkdays: [],
    provisional: { basis },
  };
}

/**
 * The notices, ascending by year, with every missing year up to `last notice year + horizon`
 * filled in provisionally (a gap between notices too, e.g. a 2028 notice loaded before 2027's).
 * Data-derived: no clock. Beyond the horizon a date still throws UnknownHolidayYear.
 */
export function withProvisionalYears(notices: readonly YearArrangement[], horizon: number = PROVISIONAL_HORIZON_YEARS): YearArrangement[] {
  const byYear = new Map(notices.map((a) => [a.year, a]));
  const years = [...byYear.keys()].sort((a, b) => a - b);
  const first = years[0];
  const last = years[years.length - 1];
  if (first === undefined || last === undefined) return [];
  const out: YearArrangement[] = [];
  for (let y = first; y <= last + horizon; y++) out.push(byYear.get(y) ?? provisionalYear(y));
  return out;
}
