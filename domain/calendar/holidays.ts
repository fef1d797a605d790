/**
 * Mainland China statutory holiday arrangements (工作日历数据), year by year.
 *
 * Source: the State Council General Office's yearly notice
 * 《国务院办公厅关于XXXX年部分节假日安排的通知》 (published on www.gov.cn and relayed by
 * Xinhua), plus, for 2020, the COVID-19 extension notice
 * 《国务院办公厅关于延长2020年春节假期的通知》 (国办发明电〔2020〕1号). Each year below names its
 * notice's document number and date. Dates are transcribed from the notices' own text:
 * `holidays` are the 放假 / 放假调休 periods exactly as the notice states them (inclusive,
 * weekend days inside a period included); `makeupWorkdays` are the weekend days the notice
 * says are worked (X月X日（星期X）上班). Where a notice only says "X月X日放假，与周末连休"
 * (2024 New Year, 2024 Dragon Boat) the period is that one day: the adjoining Saturday and
 * Sunday are ordinary weekend days.
 *
 * Coverage: 2020–2026, the years whose notices we have checked. 2027 is deliberately absent
 * until its notice has been read and added; any date outside the covered years is an error
 * (`UnknownHolidayYear`), never a guess. To add a year without touching code, put the notice in
 * seeds/holidays/<year>.json (see the README there; the worker loads and checks it at start).
 * Once a year is reviewed into the code, append its entry here, with the notice's number and
 * date, and extend the tests.
 *
 * Note: a notice can reach into the previous December (2023's New Year period starts
 * 2022-12-31; the 2019 notice made Saturday 2018-12-29 a working day). Late December of the
 * last covered year is therefore only final once the next year's notice is in.
 *
 * Cross-check (2026-11): every date from 2020-01-01 to 2026-12-31 (2,557 days) was compared
 * with the npm package `chinese-days` 1.5.7 (its dist/chinese-days.json, kept from the same
 * notices, 2020 extension included) for working-day status, holiday membership and make-up
 * membership: full agreement. A second package, `holiday-calendar` 1.3.3 (data/CN), agrees on
 * working-day status for every date; it only leaves Sunday 2020-02-02 out of the extended
 * Spring Festival. We keep it in: 国办发明电〔2020〕1号 extends the holiday "至2月2日（星期日）"
 * with work resuming on 3 Feb. (It is a Sunday, so no count changes.) Neither package has
 * 2027 data either.
 */
import type { LocalDate } from './workingDays';

/** A State Council General Office notice. */
export interface HolidayNotice {
  /** Full title, e.g. 国务院办公厅关于2020年部分节假日安排的通知. */
  readonly title: string;
  /** Document number (发文字号), e.g. 国办发明电〔2019〕16号. */
  readonly documentNumber: string;
  /** Date the notice was signed/published (Asia/Shanghai). */
  readonly published: LocalDate;
}

/** One 放假 period as stated in a notice (inclusive). */
export interface HolidayPeriod {
  /** Festival name(s) as in the notice, e.g. 春节, 中秋节、国庆节. */
  readonly name: string;
  readonly from: LocalDate;
  readonly to: LocalDate;
}

/** The arrangement in force for one calendar year. */
export interface YearArrangement {
  readonly year: number;
  readonly notice: HolidayNotice;
  /** Later notices that changed this year's arrangement, with what they changed (already applied below). */
  readonly amendments: readonly { readonly notice: HolidayNotice; readonly change: string }[];
  /** Days off (放假), as periods. */
  readonly holidays: readonly HolidayPeriod[];
  /** Weekend days that are working days (调休上班). */
  readonly makeupWorkdays: readonly LocalDate[];
  /**
   * Set only on a year derived from the statutory rules because its notice is not out yet
   * (domain/calendar/provisional.ts): an estimate, never a notice. `basis` says so in Chinese.
   */
  readonly provisional?: { readonly basis: string };
}

const notice = (year: number, documentNumber: string, published: LocalDate): HolidayNotice => ({
  title: `国务院办公厅关于${year}年部分节假日安排的通知`,
  documentNumber,
  published,
});

const p = (name: string, from: LocalDate, to: LocalDate = from): HolidayPeriod => ({ name, from, to });

/** Ordered by year, contiguous, no gaps. */
export const HOLIDAY_ARRANGEMENTS: readonly YearArrangement[] = [
  {
    year: 2020,
    notice: notice(2020, '国办发明电〔2019〕16号', '2019-11-21'),
    amendments: [
      {
        notice: {
          title: '国务院办公厅关于延长2020年春节假期的通知',
          documentNumber: '国办发明电〔2020〕1号',
          published: '2020-01-26',
        },
        change:
          'Spring Festival extended from 1-24..1-30 to 2 Feb (Sunday); work resumed Monday 3 Feb, ' +
          'so Saturday 1 Feb, a make-up working day in the original notice, became a day off.',
      },
    ],
    holidays: [
      p('元旦', '2020-01-01'),
      p('春节', '2020-01-24', '2020-02-02'), // notice: 1月24日至30日; extended to 2月2日 by 国办发明电〔2020〕1号
      p('清明节', '2020-04-04', '2020-04-06'),
      p('劳动节', '2020-05-01', '2020-05-05'),
      p('端午节', '2020-06-25', '2020-06-27'),
      p('国庆节、中秋节', '2020-10-01', '2020-10-08'),
    ],
    // 2020-02-01 (Sat) was listed as 上班 in the notice, cancelled by the extension.
    makeupWorkdays: ['2020-01-19', '2020-04-26', '2020-05-09', '2020-06-28', '2020-09-27', '2020-10-10'],
  },
  {
    year: 2021,
    notice: notice(2021, '国办发明电〔2020〕27号', '2020-11-25'),
    amendments: [],
    holidays: [
      p('元旦', '2021-01-01', '2021-01-03'),
      p('春节', '2021-02-11', '2021-02-17'),
      p('清明节', '2021-04-03', '2021-04-05'),
      p('劳动节', '2021-05-01', '2021-05-05'),
      p('端午节', '2021-06-12', '2021-06-14'),
      p('中秋节', '2021-09-19', '2021-09-21'),
      p('国庆节', '2021-10-01', '2021-10-07'),
    ],
    makeupWorkdays: ['2021-02-07', '2021-02-20', '2021-04-25', '2021-05-08', '2021-09-18', '2021-09-26', '2021-10-09'],
  },
  {
    year: 2022,
    notice: notice(2022, '国办发明电〔2021〕11号', '2021-10-25'),
    amendments: [],
    holidays: [
      p('元旦', '2022-01-01', '2022-01-03'),
      p('春节', '2022-01-31', '2022-02-06'),
      p('清明节', '2022-04-03', '2022-04-05'),
      p('劳动节', '2022-04-30', '2022-05-04'),
      p('端午节', '2022-06-03', '2022-06-05'),
      p('中秋节', '2022-09-10', '2022-09-12'),
      p('国庆节', '2022-10-01', '2022-10-07'),
    ],
    makeupWorkdays: ['2022-01-29', '2022-01-30', '2022-04-02', '2022-04-24', '2022-05-07', '2022-10-08', '2022-10-09'],
  },
  {
    year: 2023,
    notice: notice(2023, '国办发明电〔2022〕16号', '2022-12-08'),
    amendments: [],
    holidays: [
      p('元旦', '2022-12-31', '2023-01-02'), // notice: 2022年12月31日至2023年1月2日
      p('春节', '2023-01-21', '2023-01-27'),
      p('清明节', '2023-04-05'),
      p('劳动节', '2023-04-29', '2023-05-03'),
      p('端午节', '2023-06-22', '2023-06-24'),
      p('中秋节、国庆节', '2023-09-29', '2023-10-06'),
    ],
    makeupWorkdays: ['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08'],
  },
  {
    year: 2024,
    notice: notice(2024, '国办发明电〔2023〕7号', '2023-10-25'),
    amendments: [],
    holidays: [
      p('元旦', '2024-01-01'), // 1月1日放假，与周末连休
      // 2月10日至17日; the notice only *encourages* employers to give the eve (Fri 2月9日) off: it stays a working day.
      p('春节', '2024-02-10', '2024-02-17'),
      p('清明节', '2024-04-04', '2024-04-06'),
      p('劳动节', '2024-05-01', '2024-05-05'),
      p('端午节', '2024-06-10'), // 6月10日放假，与周末连休
      p('中秋节', '2024-09-15', '2024-09-17'),
      p('国庆节', '2024-10-01', '2024-10-07'),
    ],
    makeupWorkdays: [
      '2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12',
    ],
  },
  {
    // First year under the amended 全国年节及纪念日放假办法: 13 statutory days (New Year's Eve of the
    // lunar calendar and 2 May added).
    year: 2025,
    notice: notice(2025, '国办发明电〔2024〕12号', '2024-11-12'),
    amendments: [],
    holidays: [
      p('元旦', '2025-01-01'),
      p('春节', '2025-01-28', '2025-02-04'),
      p('清明节', '2025-04-04', '2025-04-06'),
      p('劳动节', '2025-05-01', '2025-05-05'),
      p('端午节', '2025-05-31', '2025-06-02'),
      p('国庆节、中秋节', '2025-10-01', '2025-10-08'),
    ],
    makeupWorkdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  {
    year: 2026,
    notice: notice(2026, '国办发明电〔2025〕7号', '2025-11-04'),
    amendments: [],
    holidays: [
      p('元旦', '2026-01-01', '2026-01-03'),
      p('春节', '2026-02-15', '2026-02-23'),
      p('清明节', '2026-04-04', '2026-04-06'),
      p('劳动节', '2026-05-01', '2026-05-05'),
      p('端午节', '2026-06-19', '2026-06-21'),
      p('中秋节', '2026-09-25', '2026-09-27'),
      p('国庆节', '2026-10-01', '2026-10-07'),
    ],
    makeupWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
];
