import { Client, Connection } from '@temporalio/client';
import { msToTs, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { SA } from '../../schemas/searchAttributes';
import { e2eEndpoints } from './e2e';

const IVT = temporal.api.enums.v1.IndexedValueType;
const INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.KEYWORD]: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.BOOL]: IVT.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.INT]: IVT.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DATETIME]: IVT.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.DOUBLE]: IVT.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.KEYWORD_LIST]: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  [SearchAttributeType.TEXT]: IVT.INDEXED_VALUE_TYPE_TEXT,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new namespace reaches the server's caches within moments: retry, bounded. */
async function retrying(step: () => Promise<void>): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      return await step();
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(250);
    }
  }
}

/**
 * A fresh namespace on the e2e dev server with keyflow's search attributes, for tests that list
 * "all stalled projects" or "all red projects" and must neither see nor disturb the workflows of
 * test files running beside them (visibility spans a namespace, not a task queue).
 */
export async function isolatedNamespace(name: string): Promise<string> {
  const ep = e2eEndpoints();
  const namespace = `keyflow-${name}-${process.pid}-${Date.now().toString(36)}`;
  const connection = await Connection.connect({ address: ep.temporalAddress });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const searchAttributes = Object.fromEntries(Object.values(SA).map((k) => [k.name, INDEXED[k.type]!]));
    await retrying(() =>
      connection.operatorService.addSearchAttributes({ namespace, searchAttributes }).then(
        () => undefined,
        (err: unknown) => {
          if (!/already exists/i.test(String((err as Error)?.message))) throw err;
        },
      ),
    );
    const client = new Client({ connection, namespace });
    await retrying(async () => {
      for await (const wf of client.workflow.list({ query: `${SA.kind.name} = 'project'` })) void wf;
    });
    return namespace;
  } finally {
    await connection.close();
  }
}
