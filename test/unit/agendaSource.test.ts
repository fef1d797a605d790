/**
 * The agenda source when projects do not answer: the weekly meeting is held without fail, so a
 * project whose state query times out (its worker overloaded, as the 10,000-project bench found)
 * is listed from what the index knows of it instead of failing the whole agenda. A unit test of
 * this one module: the Temporal client is a stand-in.
 */
import { ServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { loadProjectAgendaItems } from '../../activities/meeting/agendaSource';
import { defaultCalendar } from '../../domain/calendar';
import type { ProjectState } from '../../schemas/lifecycle';
import { SA } from '../../schemas/searchAttributes';
import { loadMeetingConfig } from '../../seeds/meetingConfig';

const names = { directory: loadMeetingConfig().directory };
const AT = '2026-11-20T02:00:00.000Z';

interface Listed {
  code: string;
  stalled?: boolean;
  warning?: string;
  answer: 'state' | 'timeout' | 'notFound' | 'broken';
}

function indexOf(l: Listed): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: SA.projectCode, value: l.code },
    { key: SA.county, value: '411122' },
    { key: SA.leadDepartment, value: 'fgw' },
    { key: SA.stalled, value: l.stalled ?? false },
    { key: SA.warning, value: l.warning ?? 'green' },
    { key: SA.completionRate, value: 0.25 },
    { key: SA.lastReportAt, value: new Date('2026-09-03T01:00:00.000Z') },
  ]);
}

/** Enough of a project's state for its agenda items: red, nothing else. */
function redState(code: string): ProjectState {
  return {
    project: { code, name: '临颍县食品产业园项目', county: '411122', leadDepartment: 'fgw', responsibleLeader: '副市长 王某' },
    closed: false,
    stall: null,
    warning: { level: 'red', at: '2026-10-01T00:00:00.000Z', completionRate: 0.3, expectedRate: 0.83 },
    warningHistory: [],
    openProblems: [],
  } as unknown as ProjectState;
}

function clientListing(projects: Listed[]): Client {
  return {
    workflow: {
      list: ({ query }: { query: string }) =>
        (async function* () {
          if (!query.includes("'project'")) return; // no overdue reviews
          for (const p of projects) yield { workflowId: `project-${p.code}`, runId: 'r', typedSearchAttributes: indexOf(p) };
        })(),
      getHandle: (workflowId: string) => ({
        async query() {
          const p = projects.find((x) => `project-${x.code}` === workflowId)!;
          if (p.answer === 'state') return redState(p.code);
          if (p.answer === 'notFound') throw new WorkflowNotFoundError('gone', workflowId, undefined);
          if (p.answer === 'timeout') throw new ServiceError('Failed to query Workflow', { cause: new Error('4 DEADLINE_EXCEEDED: query timed out before a worker could process it') });
          throw new TypeError('a bug');
        },
      }),
    },
  } as unknown as Client;
}

describe('the project part of the weekly agenda', () => {
  it('lists a project that did not answer from its indexed facts, says so, and tells which', async () => {
    const unread: string[][] = [];
    const items = await loadProjectAgendaItems(
      clientListing([
        { code: '2026-411122-13-03-000001', answer: 'state' },
        { code: '2026-411122-13-03-000002', answer: 'timeout', stalled: true, warning: 'red' },
        { code: '2026-411122-13-03-000003', answer: 'timeout' },
        { code: '2026-411122-13-03-000006', answer: 'timeout', warning: 'red' },
        { code: '2026-411122-13-03-000004', answer: 'notFound', stalled: true },
      ]),
      AT,
      names,
      defaultCalendar,
      { onUnread: (codes) => unread.push(codes) },
    );
    // Stalled supersedes red on an agenda, from the index as from the state.
    expect(items.map((i) => i.id).sort()).toEqual(['redWarning:2026-411122-13-03-000001', 'redWarning:2026-411122-13-03-000006', 'stalled:2026-411122-13-03-000002']);
    const fromIndex = items.filter((i) => ['2026-411122-13-03-000002', '2026-411122-13-03-000006'].includes(i.project.code));
    expect(fromIndex).toHaveLength(2);
    for (const i of fromIndex) {
      expect(i.why).toContain('项目状态暂未读取');
      expect(i.department).toMatchObject({ id: 'fgw' });
      expect(i.since).toBe('2026-09-03T01:00:00.000Z');
    }
    expect(fromIndex.find((i) => i.category === 'redWarning')!.why).toContain('25%');
    expect(unread).toEqual([['2026-411122-13-03-000002', '2026-411122-13-03-000003', '2026-411122-13-03-000006']]);
  });

  it('lists the projects not asked by the deadline from the index, so the agenda is compiled in time', async () => {
    const unread: string[][] = [];
    const items = await loadProjectAgendaItems(
      clientListing([
        { code: '2026-411122-13-03-000007', answer: 'state', stalled: true },
        { code: '2026-411122-13-03-000008', answer: 'state', warning: 'red' },
      ]),
      AT,
      names,
      defaultCalendar,
      { deadline: Date.now() - 1, onUnread: (codes) => unread.push(codes) },
    );
    expect(items.map((i) => i.id).sort()).toEqual(['redWarning:2026-411122-13-03-000008', 'stalled:2026-411122-13-03-000007']);
    expect(items.every((i) => i.why.includes('项目状态暂未读取'))).toBe(true);
    expect(unread).toEqual([['2026-411122-13-03-000007', '2026-411122-13-03-000008']]);
  });

  it('still fails on an error that is not the server or worker failing to answer', async () => {
    await expect(loadProjectAgendaItems(clientListing([{ code: '2026-411122-13-03-000005', answer: 'broken' }]), AT, names, defaultCalendar)).rejects.toThrow(TypeError);
  });
});
