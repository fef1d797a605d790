import { z } from 'zod';
import { YearMonth } from './common';

/** One broken rule of an uploaded row: the line and column as the spreadsheet shows them. */
export const MonthlyRowIssue = z.object({
  line: z.number().int().positive(),
  /** The column's header in the template, e.g. 本月完成投资（万元）. */
  column: z.string(),
  field: z.string(),
  rule: z.string(),
  /** In Chinese, ready to show: 第 4 行「本月完成投资（万元）」：须为数字. */
  message: z.string(),
});

/** What an upload of the monthly-report template (月报批量上报) did, row by row. */
export const MonthlyUploadAnswer = z.object({
  /** Rows with anything filled in. */
  rows: z.number().int().nonnegative(),
  reported: z.array(z.object({ line: z.number().int(), code: z.string(), month: YearMonth, correction: z.boolean() })),
  refused: z.array(z.object({ line: z.number().int(), code: z.string(), issues: z.array(MonthlyRowIssue).min(1) })),
  /** Problems with the file itself (not an .xlsx, headers missing); nothing was reported then. */
  fileIssues: z.array(z.string()),
});
export type MonthlyUploadAnswer = z.infer<typeof MonthlyUploadAnswer>;

export const MonthlyTemplateQuery = z.object({
  month: YearMonth.optional().describe('The month to report, YYYY-MM; default the month before this one (Asia/Shanghai).'),
});
