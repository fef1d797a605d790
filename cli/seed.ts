import { KeyflowError } from '../client/errors';
import { registerProject, type ClientContext } from '../client/projects';
import { FailureType } from '../schemas/errors';
import { loadDemoProjects } from '../seeds';

/**
 * Registers the demo projects of seeds/projects.json; those already registered are counted,
 * not refused, so seeding again is harmless.
 */
export async function seedDemoProjects(
  ctx: ClientContext,
  onProgress?: (done: number, total: number) => void,
): Promise<{ registered: string[]; already: string[] }> {
  const projects = loadDemoProjects();
  const registered: string[] = [];
  const already: string[] = [];
  for (const [i, project] of projects.entries()) {
    try {
      await registerProject(ctx, project, 'seed');
      registered.push(project.code);
    } catch (err) {
      if (err instanceof KeyflowError && err.type === FailureType.ProjectAlreadyRegistered) already.push(project.code);
      else throw err;
    }
    onProgress?.(i + 1, projects.length);
  }
  return { registered, already };
}
