import { JSON_OPTION, str, type Command, type CommandInput } from '../command';
import { environment } from '../connect';
import { CliError, ExitCode } from '../exitCodes';
import { formatFacts, writeJson, writeTable, type Io } from '../output';

/**
 * The read model's commands (读模型): they read its database and Kafka directly, on the machine
 * that runs keyflow — an operator's tools, not a user's.
 */
async function target(io: Io) {
  const env = environment(io.env);
  const { defaultStateDir } = await import('../../stack/paths');
  const { readEndpoints } = await import('../../stack/endpointsFile');
  const { readModelLocation } = await import('../../projections/db');
  const stateDir = env.KEYFLOW_STATE_DIR ?? defaultStateDir(io.env);
  const brokers = env.KAFKA_BROKERS ?? readEndpoints(stateDir)?.kafkaBrokers;
  if (!brokers || brokers.length === 0) {
    throw new CliError(ExitCode.unreachable, 'no Kafka to read: set KAFKA_BROKERS, or start keyflow with `keyflow start` (it writes endpoints.json into KEYFLOW_STATE_DIR)', [], 'Unreachable');
  }
  return { brokers, location: readModelLocation(env, stateDir) };
}

export const projectionsStatus: Command = {
  words: ['projections', 'status'],
  args: [],
  summary: 'how far the read model has consumed the topics (lag per topic and partition)',
  usage: 'keyflow projections status [--json]',
  options: { ...JSON_OPTION },
  async run(input: CommandInput, io) {
    const { brokers, location } = await target(io);
    const { describeLocation, openReadModel } = await import('../../projections/db');
    const { freshnessAgainst, topicEndOffsets } = await import('../../projections/freshness');
    const model = await openReadModel(location);
    try {
      const f = await freshnessAgainst(model, await topicEndOffsets(brokers));
      const rejected = await model.db.selectFrom('rejected_events').select('offset').execute();
      if (input.json) {
        writeJson(io, { database: describeLocation(location), ...f, rejected: rejected.length });
        return 0;
      }
      io.stdout.write(formatFacts([['database', describeLocation(location)], ['lag (events)', f.lag], ['refused by the catalogue', rejected.length], ['at', f.at]]) + '\n');
      writeTable(io, ['TOPIC', 'PARTITION', 'CONSUMED', 'END', 'LAG'], f.partitions.map((p) => [p.topic, p.partition, p.consumed, p.end, p.lag]));
      return 0;
    } finally {
      await model.close();
    }
  },
};

export const projectionsRebuild: Command = {
  words: ['projections', 'rebuild'],
  args: [],
  summary: 'replay every topic from offset 0 into a fresh database and compare it with the live read model',
  usage: 'keyflow projections rebuild [--into postgres://…|sqlite:FILE] [--json]',
  help: [
    '  --into URL  the empty database to rebuild into (default for SQLite: a new file beside the live one)',
    '  Exit 0 when the rebuilt model equals the live one (same checksum over the tables), 1 when not.',
  ].join('\n'),
  options: { into: { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const { brokers, location } = await target(io);
    const { openReadModel, readModelLocation } = await import('../../projections/db');
    const { defaultRebuildTarget, rebuildReadModel } = await import('../../projections/rebuild');
    const into = str(input, 'into');
    const dest = into ? readModelLocation({ KEYFLOW_DATABASE_URL: into }, '.') : defaultRebuildTarget(location, new Date());
    const live = await openReadModel(location);
    try {
      const out = await rebuildReadModel({ brokers, target: dest, live });
      if (input.json) writeJson(io, out);
      else {
        io.stdout.write(
          formatFacts([
            ['rebuilt into', dest.kind === 'sqlite' ? dest.file : 'PostgreSQL (--into)'],
            ['events applied', out.events],
            ['checksum (rebuilt)', out.checksum],
            ['checksum (live)', out.live ?? '-'],
            ['equal', out.equal === undefined ? (out.note ?? '-') : out.equal ? 'yes' : 'NO'],
          ]) + '\n',
        );
      }
      return out.equal === false ? 1 : 0;
    } finally {
      await live.close();
    }
  },
};
