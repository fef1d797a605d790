import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { closeFollowUp, currentMeeting, getAgenda, listFollowUps, recordDecisions } from '../../client/meetings';
import { KeyflowError } from '../../client/errors';
import { isoWeekKey } from '../../domain/meeting/plan';
import { FollowUpListQuery, FollowUpParams, IsoWeek, pageOf } from '../../schemas/api';
import { FailureType } from '../../schemas/errors';
import { CloseFollowUpRequest, FollowUpItem, MeetingView, RecordDecisionsRequest } from '../../schemas/meeting';
import { ValidationError } from '../../schemas/validation';
import { ALL_ROLES } from '../auth';
import { forbidden, invalid } from '../errors';
import { paginate } from '../pagination';
import { addRoute, type ApiDeps } from '../route';

/**
 * A meeting named by its ISO week (`2026-W50`) or by a date of that week (`2026-12-07`, as the
 * meeting office says it): a date becomes its week, so a meeting moved by a holiday is still found.
 */
export const MeetingParams = z.object({
  week: z
    .preprocess((v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? isoWeekKey(v) : v), IsoWeek)
    .describe('ISO week `2026-W50`, or a date of that week `2026-12-07`.'),
});

/** The weekly meeting (周例会): agendas, decisions and their follow-up items (督办事项). */
export async function meetingRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { ctx } = deps;

  addRoute(app, deps, {
    method: 'GET',
    url: '/meetings/current',
    operationId: 'currentMeeting',
    summary: 'The meeting being prepared or held now, with its agenda',
    tag: 'meetings',
    access: ALL_ROLES,
    response: MeetingView,
    refusals: [404],
    handler: async () => {
      const view = await currentMeeting(ctx);
      if (!view) throw new KeyflowError(FailureType.MeetingNotFound, 'no weekly meeting is being prepared or held');
      return view;
    },
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/meetings/:week/agenda',
    operationId: 'meetingAgenda',
    summary: 'A week\'s meeting with its latest agenda: stalled projects, red lights, overdue approvals, open problems, follow-ups',
    tag: 'meetings',
    access: ALL_ROLES,
    params: MeetingParams,
    response: MeetingView,
    refusals: [404],
    handler: ({ params }) => getAgenda(ctx, params.week),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/meetings/:week/decisions',
    operationId: 'recordDecisions',
    summary: 'Record the meeting\'s decisions (议定事项); each becomes a follow-up item with an owner and a due date',
    description: 'Open from the start of the meeting to the end of its decisions window (409 DecisionsClosed otherwise). A repeated requestId returns the first answer.',
    tag: 'meetings',
    access: ['meetingOffice', 'admin'],
    params: MeetingParams,
    body: RecordDecisionsRequest,
    response: z.array(FollowUpItem),
    refusals: [404, 409, 422],
    handler: ({ params, body }) => recordDecisions(ctx, params.week, body),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/follow-ups',
    operationId: 'listFollowUps',
    summary: 'Follow-up items of the meetings, in decision order',
    description: 'A department token sees only the items its department owns.',
    tag: 'meetings',
    access: ALL_ROLES,
    narrowed: { department: 'own' },
    query: FollowUpListQuery,
    authorize: async ({ query, principal }) => {
      if (principal.role === 'department' && query.department !== undefined && query.department !== principal.department) {
        throw forbidden(`a token of ${principal.department} may not read the follow-up items of ${query.department}`);
      }
    },
    response: pageOf(FollowUpItem),
    handler: async ({ query, principal }) => {
      const department = principal.role === 'department' ? principal.department : query.department;
      const items = (await listFollowUps(ctx, query.status)).filter((i) => department === undefined || i.ownerDepartment.id === department);
      return paginate(items, query, (i) => i.id);
    },
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/follow-ups/:id/close',
    operationId: 'closeFollowUp',
    summary: 'Close a follow-up item (办结/销号) with a note saying what was done',
    tag: 'meetings',
    access: ['meetingOffice', 'admin'],
    params: FollowUpParams,
    prepareBody: (raw, params) => {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
      const named = (raw as { itemId?: unknown }).itemId;
      if (named !== undefined && named !== params.id) {
        throw invalid(new ValidationError([{ field: 'itemId', rule: `must match the item in the path (${params.id}) or be left out` }]), 'body');
      }
      return { ...raw, itemId: params.id };
    },
    body: CloseFollowUpRequest,
    bodyDoc: CloseFollowUpRequest.omit({ itemId: true }),
    response: FollowUpItem,
    refusals: [404, 409],
    handler: ({ body }) => closeFollowUp(ctx, body),
  });
}
