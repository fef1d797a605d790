import { Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { ProjectInput, Project } from '../schemas/project';
import { SA } from '../schemas/searchAttributes';
import { validate } from '../schemas/validation';
import { getProjectQuery, projectWorkflowId } from '../workflows/project/messages';
import { toKeyflowError } from './errors';

export interface ClientContext {
  client: Client;
  taskQueue: string;
}

/**
 * Registers a key project (项目入库): validates it, then starts its lifecycle workflow under
 * an id derived from the national project code, so a project can be registered once only.
 */
export async function registerProject(ctx: ClientContext, input: unknown, registeredBy: string): Promise<{ code: string; workflowId: string; runId: string }> {
  try {
    const project: Project = validate(ProjectInput, input, 'project');
    const workflowId = projectWorkflowId(project.code);
    const handle = await ctx.client.workflow.start('projectLifecycle', {
      taskQueue: ctx.taskQueue,
      workflowId,
      args: [{ project, registeredBy }],
      // A withdrawn or finished project keeps its code: it cannot be registered again either.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      // Set at start, so listings find the project before its first workflow task has run.
      typedSearchAttributes: [
        { key: SA.kind, value: 'project' },
        { key: SA.projectCode, value: project.code },
        { key: SA.stage, value: project.stage },
        { key: SA.county, value: project.county },
        { key: SA.industry, value: project.industry },
      ],
    });
    return { code: project.code, workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    throw toKeyflowError(err, { projectCode: (input as { code?: string })?.code });
  }
}

export async function getProject(ctx: ClientContext, code: string): Promise<Project> {
  try {
    return await ctx.client.workflow.getHandle(projectWorkflowId(code)).query(getProjectQuery);
  } catch (err) {
    throw toKeyflowError(err, { projectCode: code });
  }
}

export type { ProjectInput };
