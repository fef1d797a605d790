import type { KeyflowEnv } from '../config/env';
import { describeLocation, openReadModel, readModelLocation, type ReadModel, type ReadModelLocation } from './db';
import { startProjector, type Projector } from './projector';

export interface ReadModelService {
  model: ReadModel;
  projector: Projector;
  location: ReadModelLocation;
  /** Brokers the projector follows (freshness is measured against them). */
  brokers: string[];
  stop(): Promise<void>;
}

/**
 * The read model as the run command, the e2e setup and the container run it: the database
 * KEYFLOW_DATABASE_URL names (else SQLite in the state folder), migrated, and the projector
 * following every topic.
 */
export async function startReadModelService(opts: {
  env: Pick<KeyflowEnv, 'KEYFLOW_DATABASE_URL'>;
  stateDir: string;
  brokers: string[];
  groupId?: string;
  log?: (line: string) => void;
}): Promise<ReadModelService> {
  const location = readModelLocation(opts.env, opts.stateDir);
  const model = await openReadModel(location);
  let projector: Projector;
  try {
    projector = await startProjector({ brokers: opts.brokers, model, groupId: opts.groupId, log: opts.log });
  } catch (err) {
    await model.close();
    throw err;
  }
  opts.log?.(`read model: ${describeLocation(location)}, projector following keyflow's topics`);
  return {
    model,
    projector,
    location,
    brokers: opts.brokers,
    async stop() {
      await projector.stop().catch(() => undefined);
      await model.close();
    },
  };
}
