import { KeyflowError } from '../../client/errors';
import { registerProject } from '../../client/projects';
import { ProjectRegistered } from '../../schemas/events/project';
import { TOPICS } from '../../schemas/topics';
import { readEvents, startHarness, E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';

describe('foundation: a project registered through Temporal reaches Kafka', () => {
  let h: E2EHarness;
  beforeAll(async () => {
    h = await startHarness('foundation');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('registers a project and publishes cn.keyflow.project.registered, keyed by its code', async () => {
    const project = aProject();
    const res = await registerProject(h, project, 'test:registrar');
    expect(res.workflowId).toBe(`project-${project.code}`);

    const [event] = await readEvents(TOPICS.projects, (es) => es.length >= 1, {
      filter: (e) => e.subject === project.code && e.type === 'cn.keyflow.project.registered',
    });
    expect(event).toMatchObject({ specversion: '1.0', source: '/keyflow/projects', subject: project.code, datacontenttype: 'application/json' });
    const data = ProjectRegistered.parse(event!.data);
    expect(data.project.name).toBe(project.name);
    expect(data.registeredBy).toBe('test:registrar');
  });

  it('refuses to register the same project twice', async () => {
    const project = aProject();
    await registerProject(h, project, 'test');
    const second = registerProject(h, { ...project, name: '另一个名字' }, 'test');
    await expect(second).rejects.toBeInstanceOf(KeyflowError);
    await expect(second).rejects.toMatchObject({ type: 'ProjectAlreadyRegistered', message: expect.stringContaining(project.code) });
  });

  it('refuses a malformed project, naming the field and the rule, and starts nothing', async () => {
    const project = aProject({ code: '2026-41112-13-03-000001', totalInvestment: -5 });
    const err = (await registerProject(h, project, 'test').catch((e: unknown) => e)) as KeyflowError;
    expect(err).toBeInstanceOf(KeyflowError);
    expect(err.type).toBe('ValidationFailed');
    expect(err.issues).toEqual(
      expect.arrayContaining([
        { field: 'project.code', rule: expect.stringContaining('national project code') },
        { field: 'project.totalInvestment', rule: 'must not be negative' },
      ]),
    );
    await expect(h.client.workflow.getHandle(`project-${project.code}`).describe()).rejects.toThrow(/not found/i);
  });
});
