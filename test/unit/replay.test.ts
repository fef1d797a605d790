import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { preloadModules } from '../../workers/preload';

/**
 * Every recorded history must replay through today's workflow code: a change that breaks
 * determinism for a workflow already running in production fails here, not in the city. The
 * worker's preloaded modules (workers/preload.ts) are preloaded here too, as in production.
 */
const DIR = path.join(__dirname, '..', 'replay', 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.binpb')).sort();

describe('replaying recorded workflow histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(DIR, file)));
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows'), bundlerOptions: { preloadModules: preloadModules() } }, history, file.replace(/\.binpb$/, '')),
    ).resolves.toBeUndefined();
  });
});
