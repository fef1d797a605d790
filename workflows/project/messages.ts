import { defineQuery } from '@temporalio/workflow';
import type { Project } from '../../schemas/project';

/** Input of the project lifecycle workflow when a project is registered (入库). */
export interface ProjectWorkflowInput {
  project: Project;
  registeredBy: string;
}

export const projectWorkflowId = (code: string): string => `project-${code}`;

export const getProjectQuery = defineQuery<Project>('getProject');
