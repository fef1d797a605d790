import { condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { SA } from '../../schemas/searchAttributes';
import { Outbox } from '../shared/outbox';
import { getProjectQuery, ProjectWorkflowInput } from './messages';

/** One key project's life (重点项目全生命周期), from registration on. */
export async function projectLifecycle(input: ProjectWorkflowInput): Promise<void> {
  const { project } = input;
  const outbox = new Outbox(project.code);
  setHandler(getProjectQuery, () => project);
  upsertSearchAttributes([
    { key: SA.kind, value: 'project' },
    { key: SA.projectCode, value: project.code },
    { key: SA.stage, value: project.stage },
    { key: SA.county, value: project.county },
    { key: SA.industry, value: project.industry },
  ]);
  outbox.add('cn.keyflow.project.registered', 'registered', { project, registeredBy: input.registeredBy });
  await condition(() => false);
}
