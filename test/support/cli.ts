import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { e2eEndpoints } from './e2e';

/** The repository root, where the built binary lives. */
export const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'keyflow.js');

/** What a run of the command line printed and how it exited. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the BUILT `keyflow args…` in a child process, as a shell would; never rejects. */
export function keyflow(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails early, with the fix, when dist/ has not been built (scripts/test.sh builds it). */
export function assertBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: the CLI tests run the built binary — run `npm run build` (scripts/test.sh does) first');
  }
}

/**
 * The environment a user's shell gives the command line to reach the e2e stack: its Temporal
 * (namespace), the harness's task queue, its Kafka, and a state folder of the test's own.
 */
export function cliEnv(opts: { taskQueue: string; stateDir: string; namespace?: string }): NodeJS.ProcessEnv {
  const ep = e2eEndpoints();
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: ep.temporalAddress,
    TEMPORAL_NAMESPACE: opts.namespace ?? ep.namespace,
    KEYFLOW_TASK_QUEUE: opts.taskQueue,
    KAFKA_BROKERS: ep.kafkaBrokers.join(','),
    KEYFLOW_STATE_DIR: opts.stateDir,
  };
}
