/**
 * The run command's entry (`./scripts/start.sh`): keyflow on its local default stack — see
 * cli/runKeyflow.ts. `keyflow start` runs the same.
 */
import { KeyflowError } from '../client/errors';
import { runKeyflow } from '../cli/runKeyflow';

runKeyflow().catch((err) => {
  console.error(err instanceof KeyflowError ? `keyflow: ${err.type}: ${err.message}` : err);
  process.exit(1);
});
