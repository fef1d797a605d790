/**
 * The words and limits of provisional calendar years (see ./provisional.ts), without the lunar
 * library, so workflow code can mark what was counted on them.
 */

/** The document number a provisional year shows in place of a notice's. */
export const PROVISIONAL_DOCUMENT_NUMBER = '暂定（未发布）';

/** Years after the last notice that the worker's calendar derives provisionally. */
export const PROVISIONAL_HORIZON_YEARS = 3;

/** Why a year is provisional, in Chinese, for the people who read deadlines counted on it. */
export function provisionalBasis(years: number | readonly number[]): string {
  const list = typeof years === 'number' ? [years] : years;
  return (
    `${list.join('、')}年国务院节假日安排通知尚未发布，按《全国年节及纪念日放假办法》（国务院令第795号修订，2025年1月1日起施行）推算` +
    `（法定假日逢周末顺延补假，不含调休），通知发布后自动重算`
  );
}

