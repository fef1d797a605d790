import { z } from 'zod';
import { ProjectInput } from '../project';

/** Data of `cn.keyflow.project.registered` (项目入库): the project as registered. */
export const ProjectRegistered = z.object({
  project: ProjectInput,
  registeredBy: z.string(),
});
export type ProjectRegistered = z.infer<typeof ProjectRegistered>;

export const PROJECT_EVENTS = {
  'cn.keyflow.project.registered': ProjectRegistered,
} as const;
