/**
 * Writes the role matrix (api/roleMatrix.ts, from the route declarations) into api/README.md
 * between its markers. `--check` only compares and exits 1 when the README is out of date.
 *   npx tsx scripts/role-matrix.ts [--check]
 */
import fs from 'node:fs';
import path from 'node:path';
import { currentRoleMatrixReadme } from '../api/roleMatrixReadme';

async function main(): Promise<void> {
  const file = path.join(__dirname, '..', 'api', 'README.md');
  const now = fs.readFileSync(file, 'utf8');
  const wanted = await currentRoleMatrixReadme(now);
  if (process.argv.includes('--check')) {
    if (wanted !== now) {
      process.stderr.write('api/README.md: the role matrix is out of date; run npx tsx scripts/role-matrix.ts\n');
      process.exit(1);
    }
    return;
  }
  if (wanted !== now) fs.writeFileSync(file, wanted);
  process.stdout.write(wanted !== now ? 'api/README.md: role matrix updated\n' : 'api/README.md: role matrix already current\n');
}

void main();
