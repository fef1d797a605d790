import { z } from 'zod';
import { Instant, LocalDate } from './common';
import { ProjectCode } from './project';

/**
 * One supervision order (督办单) in the supervisors' list: those opened automatically for a stall
 * (停滞自动督办) and those opened by hand (人工督办), with the project it concerns.
 * - open 办理中 · overdue 已逾期 (open past its due date, Asia/Shanghai) · closed 已办结
 */
export const SupervisionOrderState = z.enum(['open', 'overdue', 'closed']);
export type SupervisionOrderState = z.infer<typeof SupervisionOrderState>;

export const SupervisionOrderEntry = z.object({
  id: z.string(),
  /** automatic: opened for a stall; manual: opened by a supervisor. */
  origin: z.enum(['automatic', 'manual']),
  project: z.object({ code: ProjectCode, name: z.string(), county: z.string(), countyName: z.string(), leadDepartment: z.string() }),
  issuedAt: Instant,
  dueDate: LocalDate.nullable(),
  escalatedTo: z.array(z.string()),
  reason: z.string(),
  state: SupervisionOrderState,
  closedAt: Instant.optional(),
  closedBecause: z.string().optional(),
});
export type SupervisionOrderEntry = z.infer<typeof SupervisionOrderEntry>;

export const SupervisionOrderQuery = z.object({
  state: SupervisionOrderState.optional().describe('Only orders in this state.'),
  origin: z.enum(['automatic', 'manual']).optional().describe('Only automatic (stall) or hand-opened orders.'),
  code: ProjectCode.optional().describe('Only the orders of this project.'),
});
