import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from './proof';

/**
 * One stack per state folder. Two stacks on one folder would share Temporal's SQLite file and
 * Kafka's log dir, and the second would kill the first's engines as stale (their pid files): so
 * the second is refused, saying which process holds the folder and how to run beside it.
 */
export class StateDirBusy extends Error {
  override name = 'StateDirBusy';
}

const LOCK = 'stack.lock';

/** Folders claimed by stacks of this process (a lock file naming our own pid is not stale then). */
const claimedHere = new Set<string>();

/** Claims `stateDir` for this process; the returned function releases it. */
export function claimStateDir(stateDir: string): () => void {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = path.join(path.resolve(stateDir), LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      claimedHere.add(file);
      return () => {
        if (!claimedHere.delete(file)) return;
        if (ownerOf(file) === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = ownerOf(file);
    const heldHere = owner === process.pid && claimedHere.has(file);
    if (owner !== null && (heldHere || (owner !== process.pid && isAlive(owner)))) {
      throw new StateDirBusy(
        `the state folder ${stateDir} is in use by another keyflow stack (process ${owner}); ` +
          'stop that one, or set KEYFLOW_STATE_DIR to another folder to run a second stack beside it',
      );
    }
    // Left behind by a stack that died (or by this process): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new StateDirBusy(`the state folder ${stateDir} is being claimed by another keyflow stack at this moment; try again`);
}

function ownerOf(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
