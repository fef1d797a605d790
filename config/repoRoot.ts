import fs from 'node:fs';
import path from 'node:path';

/**
 * keyflow's own folder (where package.json is), whether running from the sources (tsx) or the
 * build (dist/): data files that are not imported as modules are read from there.
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'seeds'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`keyflow: cannot find the keyflow folder above ${from}`);
    dir = up;
  }
}
