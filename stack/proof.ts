import fs from 'node:fs';
import path from 'node:path';

/**
 * Proof that the engine answering on a port is the one this stack started. A probe that only asks
 * "does something answer?" is fooled when our engine failed to bind and another stack's engine
 * holds the port: keyflow would then publish into someone else's Kafka. So readiness also checks
 * the engine's identity (Kafka's cluster id, formatted in our storage) and its process (alive, and
 * holding the listening socket).
 */

/** Thrown by a readiness probe when the engine answering is not ours; waiting longer cannot help. */
export class NotOurEngine extends Error {
  override name = 'NotOurEngine';
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Inodes of the sockets listening on `port` (any address), from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): Set<string> | null {
  const inodes = new Set<string>();
  let readAny = false;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    readAny = true;
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is column 10.
      const local = cols[1];
      if (!local || cols[3] !== '0A') continue;
      if (parseInt(local.split(':')[1] ?? '', 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  return readAny ? inodes : null;
}

/**
 * Whether process `pid` holds the socket listening on `port`: true or false on Linux (from /proc),
 * null where /proc cannot tell (another system, or a process of another user).
 */
export function listensOn(pid: number, port: number): boolean | null {
  const inodes = listeningInodes(port);
  if (inodes === null) return null;
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = fs.readlinkSync(path.join(`/proc/${pid}/fd`, fd));
    } catch {
      continue;
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m && inodes.has(m[1]!)) return true;
  }
  return false;
}

/** The cluster id Kafka's storage was formatted with (`cluster.id` in meta.properties), or null before formatting. */
export function formattedClusterId(logDir: string): string | null {
  try {
    const text = fs.readFileSync(path.join(logDir, 'meta.properties'), 'utf8');
    return /^cluster\.id=(.+)$/m.exec(text)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

/** A start that failed because a port was taken (the engine's own words in its log). */
export function lostPortRace(err: unknown): boolean {
  if (err instanceof NotOurEngine) return true;
  return /already in use|address in use|EADDRINUSE|BindException/i.test(String((err as Error)?.message ?? err));
}

/** Times a start is tried again on fresh ports after losing a port to another process. */
const START_ATTEMPTS = 3;

/**
 * Starts an engine, and when it lost a port to another process (two stacks started at once) starts
 * it again on free ports (`fresh`: the preferred ports are given up), a bounded number of times.
 */
export async function startOnOwnPorts<T>(engine: string, start: (fresh: boolean) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(attempt > 1);
    } catch (err) {
      if (!lostPortRace(err)) throw err;
      if (attempt >= START_ATTEMPTS) {
        throw new Error(`${engine}: could not start on a port of its own after ${attempt} attempts (another process took each port first): ${(err as Error).message}`, { cause: err });
      }
    }
  }
}
