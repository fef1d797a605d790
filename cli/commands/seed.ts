import { JSON_OPTION, type Command } from '../command';
import { withClient } from '../connect';
import { writeJson } from '../output';
import { progress, type Progress } from '../progress';

export const seed: Command = {
  words: ['seed'],
  args: [],
  summary: 'register the demo projects of seeds/projects.json (those already registered are skipped)',
  usage: 'keyflow seed [--json]',
  help: 'Operator command: talks to the engines (Temporal) directly, not through the API, so it needs access to them (TEMPORAL_ADDRESS or the local stack); people act through the API (acting commands with KEYFLOW_TOKEN).',
  options: { ...JSON_OPTION },
  async run(input, io) {
    const { seedDemoProjects } = await import('../seed');
    let bar: Progress | undefined;
    const result = await withClient(io.env, (ctx) =>
      seedDemoProjects(ctx, (done, total) => {
        bar ??= progress(io, 'seeding', total);
        bar.update(done, total);
      }),
    );
    bar?.finish();
    if (input.json) writeJson(io, result);
    else io.stdout.write(`${result.registered.length} registered now, ${result.already.length} already registered\n`);
    return 0;
  },
};
