import type { z } from 'zod';
import type { Decision } from '../decision';
import { refuse, type Refusal } from '../refusal';
import { FailureType } from '../../schemas/errors';
import type { CloseSupervisionOrder, OpenSupervisionOrder, ProjectState, SupervisionOrder } from '../../schemas/lifecycle';
import { Draft, type Lifecycle, type LifecycleRulesConfig } from './state';

/** A supervisor's request to open a supervision order (督办单) by hand, as parsed. */
export type OpenOrderRequest = z.output<typeof OpenSupervisionOrder>;
/** Closing an order opened by hand (督办办结), as parsed. */
export type CloseOrderRequest = z.output<typeof CloseSupervisionOrder>;

/** Refuses an order on a closed project. */
export function checkOpenOrder(state: ProjectState): Refusal | undefined {
  if (state.closed) return refuse(FailureType.ProjectClosed, `project is closed in stage ${state.stage}; no supervision order can be opened`, { currentStage: state.stage });
  return undefined;
}

/**
 * A supervision order opened by hand: `n` is its number among the orders opened by hand, taken
 * when the request arrived (two requests together get distinct ids), `dueDate` what the calendar
 * counted meanwhile (null: it could not). The supervisors are always among those it goes to.
 */
export function openOrder(l: Lifecycle, req: OpenOrderRequest, order: { n: number; dueDate: string | null }, now: Date, config: LifecycleRulesConfig): Decision<Lifecycle, SupervisionOrder> {
  const d = new Draft(l, now, config);
  const s = d.state;
  const project = s.project;
  const { n, dueDate } = order;
  const opened: SupervisionOrder = {
    id: `督办-${project.code}-M${n}`,
    issuedAt: d.at,
    dueDate,
    escalatedTo: [...new Set([...config.stall.supervisors, ...(req.escalateTo ?? [project.leadDepartment, project.responsibleLeader])])],
    reason: req.reason,
  };
  s.orders = [...s.orders, opened];
  const auditHead = d.audit('orderOpened', req.requestId, req.actor, { order: opened });
  d.emit({
    type: 'cn.keyflow.supervision.orderIssued',
    key: `manualOrder:${n}`,
    data: {
      ...(auditHead ? { auditHead } : {}),
      order: opened,
      projectName: project.name,
      county: project.county,
      responsibleLeader: project.responsibleLeader,
      leadDepartment: project.leadDepartment,
    },
  });
  return d.done(opened);
}

/** Refuses closing an order this project has not opened by hand, or one already closed. */
export function checkCloseOrder(state: ProjectState, req: Pick<CloseOrderRequest, 'orderId'>): Refusal | undefined {
  const order = state.orders.find((o) => o.id === req.orderId);
  if (!order) {
    return refuse(FailureType.OrderNotFound, `project ${state.project.code} has no supervision order ${req.orderId} opened by hand`, [
      { field: 'orderId', rule: 'must name an open supervision order of this project' },
    ]);
  }
  if (order.closedAt) return refuse(FailureType.OrderClosed, `supervision order ${order.id} was closed at ${order.closedAt}: ${order.closedBecause}`);
  return undefined;
}

/** An order opened by hand is closed with a note on what was done, and who closed it. */
export function closeOrder(l: Lifecycle, req: CloseOrderRequest, now: Date, config: LifecycleRulesConfig): Decision<Lifecycle, SupervisionOrder> {
  const refused = checkCloseOrder(l.state, req);
  if (refused) return refused;
  const d = new Draft(l, now, config);
  const s = d.state;
  const i = s.orders.findIndex((o) => o.id === req.orderId);
  const closed: SupervisionOrder = { ...s.orders[i]!, closedAt: d.at, closedBecause: `${req.note} (${req.actor.by})` };
  s.orders = s.orders.map((o, j) => (j === i ? closed : o));
  const auditHead = d.audit('orderClosed', req.requestId, req.actor, { orderId: closed.id, note: req.note });
  d.emit({
    type: 'cn.keyflow.supervision.orderClosed',
    key: `manualOrderClosed:${req.orderId}`,
    data: { ...(auditHead ? { auditHead } : {}), orderId: closed.id, closedAt: closed.closedAt!, closedBecause: closed.closedBecause!, dueDate: closed.dueDate },
  });
  return d.done(closed);
}
