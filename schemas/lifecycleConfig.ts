import { z } from 'zod';
import { Stage } from './project';

/**
 * Lifecycle rules a city sets for itself. Defaults (stated in the README, to confirm with the
 * city): yellow when cumulative investment is more than 10 points behind the pro-rata annual
 * plan, red beyond 20 points or when stalled.
 */
export const LifecycleConfig = z
  .object({
    warning: z
      .object({
        /** Percentage points behind the pro-rata plan that turn the light yellow. */
        yellowBehindPoints: z.number().min(0).default(10),
        /** …and red. */
        redBehindPoints: z.number().min(0).default(20),
      })
      .default({}),
    stall: z
      .object({
        /** A month's report is due by this many working days after the month closes. */
        reportDueWorkingDays: z.number().int().min(1).max(30).default(10),
        /** Calendar days a project may stay in a stage before it counts as stalled. */
        maxDaysInStage: z.record(Stage, z.number().int().positive()).default({
          conceived: 180,
          reserve: 365,
          preliminary: 365,
          started: 120,
          underConstruction: 1460,
          completed: 365,
        }),
        /** Working days the escalated parties have to answer a supervision order (督办单). */
        supervisionOrderDueWorkingDays: z.number().int().min(1).max(60).default(5),
        /** Who a stall is escalated to besides the lead department and the responsible leader. */
        supervisors: z.array(z.string()).min(1).default(['dcs']),
      })
      .default({}),
    /** Local time (Asia/Shanghai) of the daily check for stalls. */
    dailyCheckAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM').default('00:10'),
    /** Continue as new once the history holds this many events (Temporal suggests it earlier too). */
    continueAsNewAfterEvents: z.number().int().min(100).default(8000),
  })
  .superRefine((c, ctx) => {
    if (c.warning.redBehindPoints < c.warning.yellowBehindPoints) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['warning', 'redBehindPoints'], message: 'must not be less than yellowBehindPoints' });
    }
  });
export type LifecycleConfig = z.output<typeof LifecycleConfig>;
export type LifecycleConfigInput = z.input<typeof LifecycleConfig>;
