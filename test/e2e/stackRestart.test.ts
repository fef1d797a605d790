import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { registerProject } from '../../client/projects';
import { startTemporalDevServer } from '../../stack/temporalServer';
import { aProject } from '../support/fixtures';

async function listProjectCodes(address: string): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const codes: string[] = [];
    for await (const wf of client.workflow.list({ query: "KeyflowKind = 'project'" })) codes.push(wf.workflowId);
    return codes.sort();
  } finally {
    await connection.close();
  }
}

describe('the local Temporal dev server keeps its state across a restart', () => {
  it('still lists the registered projects after stop and start', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-restart-'));
    let server = await startTemporalDevServer({ stateDir });
    const projects = [aProject(), aProject()];
    try {
      const connection = await Connection.connect({ address: server.address });
      const client = new Client({ connection });
      // No worker needed: registering records the workflow's start durably.
      for (const p of projects) await registerProject({ client, taskQueue: 'restart-test' }, p, 'test');
      await connection.close();
      const expected = projects.map((p) => `project-${p.code}`).sort();
      await expect(eventually(() => listProjectCodes(server.address), expected)).resolves.toEqual(expected);

      await server.stop();
      server = await startTemporalDevServer({ stateDir });
      expect(await listProjectCodes(server.address)).toEqual(expected);
    } finally {
      await server.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

/** Visibility is eventually consistent: poll (bounded) until the listing matches. */
async function eventually<T>(read: () => Promise<T>, expected: T, attempts = 40): Promise<T> {
  let last = await read();
  for (let i = 0; i < attempts && JSON.stringify(last) !== JSON.stringify(expected); i++) {
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}
