import fs from 'node:fs';
import type { LocalStack } from '../../stack';
import type { ReadModelService } from '../../projections/service';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __keyflowStack?: LocalStack; __keyflowReadModel?: ReadModelService };
  await g.__keyflowReadModel?.stop();
  await g.__keyflowStack?.stop();
  const dir = process.env.KEYFLOW_E2E_STATE_DIR;
  if (dir && !process.env.KEYFLOW_KEEP_STATE) fs.rmSync(dir, { recursive: true, force: true });
}
