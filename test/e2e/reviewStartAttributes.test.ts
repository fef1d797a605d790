/**
 * A review the project lifecycle starts is listed from its first moment (patch
 * 'review-started-with-search-attributes'): the child's start carries its search attributes, so
 * the departments' inboxes find it before its first workflow task has run.
 */
import { registerProject } from '../../client/projects';
import { SA } from '../../schemas/searchAttributes';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { benchCode, benchProject } from '../../bench/fixtures';
import { startHarness, type E2EHarness } from '../support/e2e';

describe('reviews started by the lifecycle carry their search attributes at start', () => {
  let h: E2EHarness;
  beforeAll(async () => {
    h = await startHarness('review-start-attributes');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('starts the first review with kind, project, stage, county and every open department', async () => {
    const config = loadJointReviewConfig();
    const ctx = { client: h.client, taskQueue: h.taskQueue, jointReviewConfig: config };
    const code = benchCode(900_000 + (process.pid % 90_000));
    const started = await registerProject(ctx, benchProject(code), 'e2e');
    const lifecycle = h.client.workflow.getHandle(started.workflowId);
    let initiated;
    for (let i = 0; i < 100 && !initiated; i += 1) {
      const history = await lifecycle.fetchHistory();
      initiated = history.events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)?.startChildWorkflowExecutionInitiatedEventAttributes;
      if (!initiated) await new Promise((r) => setTimeout(r, 100));
    }
    expect(initiated).toBeTruthy();
    const fields = Object.keys(initiated!.searchAttributes?.indexedFields ?? {}).sort();
    expect(fields).toEqual([SA.county.name, SA.kind.name, SA.leadDepartment.name, SA.openDepartments.name, SA.projectCode.name, SA.reviewStage.name].sort());
    const review = await h.client.workflow.getHandle(initiated!.workflowId!).describe();
    const participants = config.stages[0]!.participants.map((p) => p.department);
    expect(review.typedSearchAttributes.get(SA.openDepartments)).toEqual(expect.arrayContaining(participants));
  });
});
