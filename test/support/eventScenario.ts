import { eventId } from '../../activities/events/eventId';
import { dataschemaOf, eventTypeInfo } from '../../schemas/events/catalog';
import type { CloudEvent } from '../../schemas/events/envelope';
import type { TopicName } from '../../schemas/topics';
import { aProject } from './fixtures';

/** An event as keyflow's emitter builds it (same id rule), with the topic it goes to; `version` ≥ 2 names a later data version. */
export function anEvent(type: string, subject: string, key: string, time: string, data: unknown, version = 1): { topic: TopicName; event: CloudEvent } {
  const info = eventTypeInfo(type);
  const schema = info.versions.get(version);
  if (!schema) throw new Error(`${type} has no data version ${version}`);
  const dataschema = version > 1 ? { dataschema: dataschemaOf(type, version) } : {};
  return {
    topic: info.topic,
    event: { specversion: '1.0', id: eventId(info.source, type, subject, key), source: info.source, type, subject, time, datacontenttype: 'application/json', ...dataschema, data: schema.parse(data) },
  };
}

/** The materials a scenario's task of the later `taskAssigned` version was assigned with. */
export const SCENARIO_MATERIALS = ['项目建议书', '可行性研究报告'];

const at = (day: number, hour = 1): string => new Date(Date.UTC(2026, 9, 12 + day, hour)).toISOString();

/**
 * What `n` projects' workflows would publish over a few weeks (pinned dates, October 2026): each
 * registered and started; every third stalls (order issued, and for every sixth cleared again);
 * every fourth reports with a problem and turns red; every `reviewEvery`-th (default fifth) has a
 * review task at the development and reform commission (fgw): open, or returned (every second of
 * those), or decided with missing materials (every third) — one item of fgw's inbox each; every
 * second of those tasks is assigned by a `taskAssigned` v2, with its materials (SCENARIO_MATERIALS).
 */
export function projectScenario(n: number, opts: { reviewEvery?: number } = {}): Array<{ topic: TopicName; event: CloudEvent }> {
  const every = opts.reviewEvery ?? 5;
  const out: Array<{ topic: TopicName; event: CloudEvent }> = [];
  for (let i = 0; i < n; i++) {
    const project = aProject({ stage: 'preliminary' });
    const code = project.code;
    const county = project.county;
    out.push(anEvent('cn.keyflow.project.registered', code, 'registered', at(0), { project, registeredBy: 'seed' }));
    out.push(anEvent('cn.keyflow.project.stageChanged', code, 'stage:1', at(1), { seq: 1, from: 'preliminary', to: 'started', by: 'fgw', county }));
    if (i % 4 === 0) {
      out.push(
        anEvent('cn.keyflow.project.progressReported', code, 'report:2026-09', at(2), {
          month: '2026-09',
          investmentThisMonth: 100,
          investmentToDate: 1000 + i,
          physicalProgress: 5,
          completionRate: (1000 + i) / 60000,
          correction: false,
          problemsRaised: [{ id: `P2026-09-${i}`, text: '用地指标未落实', department: 'zrzyj', raisedIn: '2026-09', raisedAt: at(2) }],
          problemsResolved: [],
          by: 'owner',
          county,
        }),
      );
      out.push(anEvent('cn.keyflow.project.warningChanged', code, 'warning:1', at(2), { from: 'green', to: 'red', completionRate: (1000 + i) / 60000, expectedRate: 0.75, county }));
    }
    if (i % 3 === 0) {
      const orderId = `督办-${code}-1`;
      out.push(anEvent('cn.keyflow.project.stalled', code, 'stalled:1', at(3), { reason: 'noReport', since: at(3), detail: '2026-09 月报逾期未报', orderId, county, leadDepartment: 'fgw' }));
      out.push(
        anEvent('cn.keyflow.supervision.orderIssued', code, 'order:1', at(3), {
          order: { id: orderId, issuedAt: at(3), dueDate: '2026-10-22', escalatedTo: ['dcs', 'fgw'], reason: '2026-09 月报逾期未报' },
          projectName: project.name,
          county,
          responsibleLeader: project.responsibleLeader,
          leadDepartment: 'fgw',
        }),
      );
      if (i % 6 === 0) {
        out.push(anEvent('cn.keyflow.project.stallCleared', code, 'stallCleared:1', at(4), { reason: 'noReport', since: at(3), clearedAt: at(4), clearedBy: 'owner', orderId }));
        out.push(anEvent('cn.keyflow.supervision.orderClosed', code, 'orderClosed:1', at(4), { orderId, closedAt: at(4), closedBecause: 'report received', dueDate: '2026-10-22' }));
      }
    }
    if (i % every === 0) {
      const ref = { projectCode: code, projectName: project.name, stageId: 'landUsePlanning', department: 'fgw', leadDepartment: 'zrzyj' };
      const assigned = { ...ref, matter: '项目备案', limitWorkingDays: 5, acceptedAt: at(1), deadline: at(8), deadlineDate: '2026-10-20' };
      // Every second task is of the later version, with its materials: a model spans a deploy.
      if ((i / every) % 2 === 1) out.push(anEvent('cn.keyflow.review.taskAssigned', code, 'landUsePlanning:task:fgw:assigned', at(1), { ...assigned, materials: SCENARIO_MATERIALS }, 2));
      else out.push(anEvent('cn.keyflow.review.taskAssigned', code, 'landUsePlanning:task:fgw:assigned', at(1), assigned));
      if (i % (2 * every) === 0) {
        out.push(anEvent('cn.keyflow.review.taskReturned', code, 'landUsePlanning:task:fgw:returned:1', at(2), { ...ref, by: 'fgw', reason: '缺少材料', missingMaterials: ['可行性研究报告'], pausedAt: at(2), deadlineAtPause: at(8), workingDaysLeftAtPause: 3 }));
      }
      if (i % (3 * every) === 0) {
        out.push(
          anEvent('cn.keyflow.review.taskDecided', code, 'landUsePlanning:task:fgw:decided', at(5), {
            ...ref,
            decision: 'approveWithMissing',
            by: 'fgw',
            decidedAt: at(5),
            deadline: at(8),
            late: false,
            lateByWorkingDays: 0,
            workingDaysUsed: 3,
            limitWorkingDays: 5,
            followUp: { missingMaterials: ['水土保持方案'], dueDate: '2026-11-02', due: at(21) },
          }),
        );
      }
    }
  }
  return out;
}
