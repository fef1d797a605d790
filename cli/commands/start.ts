import type { Command } from '../command';
import { progress } from '../progress';

export const start: Command = {
  words: ['start'],
  args: [],
  summary: 'start the local stack (Temporal, Kafka) and the worker, seed the demo projects; runs until Ctrl-C',
  usage: 'keyflow start',
  help: 'Operator command: starts and owns the engines (Temporal, Kafka), the worker and the API.\nUses TEMPORAL_ADDRESS / KAFKA_BROKERS instead of starting its own engines when they are set.\nSame as ./scripts/start.sh (which also installs what is missing).',
  options: {},
  async run(_input, io) {
    // The worker and the stack load only for this command.
    const { runKeyflow } = await import('../runKeyflow');
    await runKeyflow({ env: io.env, say: (m) => void io.stdout.write(`${m}\n`), seedProgress: (total) => progress(io, 'seeding', total) });
    return 0;
  },
};
