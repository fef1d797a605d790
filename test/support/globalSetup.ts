import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEnv } from '../../config/env';
import { startLocalStack, LocalStack } from '../../stack';
import { temporalTestServer } from '../../stack/provision';
import { startReadModelService, type ReadModelService } from '../../projections/service';

/**
 * Starts the real stack once for the e2e tests: a Temporal dev server and a Kafka broker in a
 * fresh state folder on free ports, unless TEMPORAL_ADDRESS / KAFKA_BROKERS point elsewhere.
 * The endpoints reach the test files through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-e2e-'));
  const started = Date.now();
  temporalTestServer(); // provision once here rather than racing in parallel test files
  const stack = await startLocalStack(readEnv(), { stateDir });
  process.env.KEYFLOW_E2E_TEMPORAL = stack.endpoints.temporalAddress;
  process.env.KEYFLOW_E2E_NAMESPACE = stack.endpoints.namespace;
  process.env.KEYFLOW_E2E_KAFKA = stack.endpoints.kafkaBrokers.join(',');
  process.env.KEYFLOW_E2E_STATE_DIR = stateDir;
  (globalThis as { __keyflowStack?: LocalStack }).__keyflowStack = stack;
  // The read model as the run command keeps it: SQLite in the state folder (or KEYFLOW_DATABASE_URL).
  const readModel = await startReadModelService({ env: readEnv(), stateDir, brokers: stack.endpoints.kafkaBrokers });
  (globalThis as { __keyflowReadModel?: ReadModelService }).__keyflowReadModel = readModel;
  process.env.KEYFLOW_E2E_READ_MODEL = JSON.stringify(readModel.location);
  process.stderr.write(`\n[e2e] stack up in ${((Date.now() - started) / 1000).toFixed(1)} s: Temporal ${stack.endpoints.temporalAddress}, Kafka ${stack.endpoints.kafkaBrokers.join(',')}, state ${stateDir}\n`);
}
