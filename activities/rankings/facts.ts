import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { factsOf, projectFactsOf } from '../../domain/rankingFacts';
import type { ReadModelDb } from '../../projections/db';
import { factsProjects } from '../../projections/queries';
import type { ReviewState } from '../../schemas/jointReview';
import type { ProjectState } from '../../schemas/lifecycle';
import { GatheredFacts } from '../../schemas/rankings';
import type { County } from '../../schemas/reference';
import { SA } from '../../schemas/searchAttributes';
import { getProjectStateQuery } from '../../workflows/project/messages';
import { getReviewStateQuery } from '../../workflows/review/messages';
import { mapLimited, QUERY_CONCURRENCY } from '../../client/concurrency';

/** Workflow ids (and runs) matching a visibility query, paging through every result. */
async function listExecutions(client: Client, query: string): Promise<Array<{ workflowId: string; runId: string; status: string }>> {
  const out: Array<{ workflowId: string; runId: string; status: string }> = [];
  for await (const wf of client.workflow.list({ query })) out.push({ workflowId: wf.workflowId, runId: wf.runId, status: wf.status.name });
  return out;
}

/** A query answered, or undefined when the execution is gone (retention) — it then counts for nothing. */
async function queryOrSkip<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Reads the live project data a 四比四看 check of `period` counts: every project workflow found
 * through visibility (running and closed — a project in production still counts), its state from
 * its own `getProjectState` query (the source of truth), and the decisions of every joint-review
 * stage (`getReviewState`) for approval timeliness. domain/rankingFacts.ts says what each fact
 * means. A project whose workflow continued as new is listed once per run; it is queried once, by
 * workflow id (its latest run holds the whole state). Review stages are queried per run: a stage
 * reviewed again after a rejection is a new run with new decisions. With `taskQueue`, only
 * workflows of that task queue are read.
 */
export async function gatherProjectFacts(
  client: Client,
  req: { period: string; counties: readonly County[]; taskQueue?: string; now?: Date },
): Promise<GatheredFacts> {
  const { period, counties } = req;
  // One deployment serves its projects on one task queue; the filter keeps deployments (and
  // test runs) sharing a Temporal namespace apart. Task queue names are not user input.
  const onQueue = req.taskQueue ? ` AND TaskQueue = '${req.taskQueue.replace(/'/g, '')}'` : '';
  const projectIds = [...new Set((await listExecutions(client, `${SA.kind.name} = 'project'${onQueue}`)).map((e) => e.workflowId))].sort();
  const reviewRuns = (await listExecutions(client, `${SA.kind.name} = 'review-stage'${onQueue}`)).filter((e) => e.status !== 'CONTINUED_AS_NEW');

  const states = (
    await mapLimited(projectIds, QUERY_CONCURRENCY, (id) => queryOrSkip(() => client.workflow.getHandle(id).query(getProjectStateQuery)))
  ).filter((s): s is ProjectState => s !== undefined);
  const reviews = (
    await mapLimited(reviewRuns, QUERY_CONCURRENCY, (r) => queryOrSkip(() => client.workflow.getHandle(r.workflowId, r.runId).query(getReviewStateQuery)))
  ).filter((s): s is ReviewState => s !== undefined);

  const reviewsByProject = new Map<string, ReviewState[]>();
  for (const r of reviews) reviewsByProject.set(r.project.code, [...(reviewsByProject.get(r.project.code) ?? []), r]);
  const known = new Set(counties.map((c) => c.id));

  const facts = [];
  const skipped: GatheredFacts['skipped'] = [];
  for (const state of states.sort((a, b) => (a.project.code < b.project.code ? -1 : 1))) {
    const code = state.project.code;
    if (!known.has(state.project.county)) {
      skipped.push({ code, reason: `county ${state.project.county} is not among the counties ranked` });
      continue;
    }
    const f = projectFactsOf(state, reviewsByProject.get(code) ?? [], period);
    if (f) facts.push(f);
    else skipped.push({ code, reason: `registered after the end of ${period}` });
  }
  // Parsed, so a fact the schema refuses fails here, naming the project, not deep in the ranking.
  return GatheredFacts.parse({ period, readAt: (req.now ?? new Date()).toISOString(), counties, facts, skipped });
}

/**
 * The same facts as gatherProjectFacts, from the read model (projections/): the registered
 * projects, their stage histories, monthly reports and review decisions, in four reads. The caller
 * first lets the model catch up with the topics (projections/freshness.ts).
 */
export async function gatherProjectFactsFromModel(db: ReadModelDb, req: { period: string; counties: readonly County[]; now?: Date }): Promise<GatheredFacts> {
  const known = new Set(req.counties.map((c) => c.id));
  const facts = [];
  const skipped: GatheredFacts['skipped'] = [];
  for (const { project, decisions } of await factsProjects(db)) {
    const code = project.project.code;
    if (!known.has(project.project.county)) {
      skipped.push({ code, reason: `county ${project.project.county} is not among the counties ranked` });
      continue;
    }
    const f = factsOf(project, decisions, req.period);
    if (f) facts.push(f);
    else skipped.push({ code, reason: `registered after the end of ${req.period}` });
  }
  return GatheredFacts.parse({ period: req.period, readAt: (req.now ?? new Date()).toISOString(), counties: req.counties, facts, skipped });
}
