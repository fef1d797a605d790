/**
 * Prints a token file entry for a new API token: `npx tsx scripts/hash-token.ts <id> <role> [department]`.
 * The token is generated here and shown once; only its salted hash goes into the token file.
 * To hash a token you already have, pipe it in: `… | npx tsx scripts/hash-token.ts <id> <role> [department] --stdin`.
 */
import { ApiTokenEntry } from '../schemas/api';
import { issuesOf } from '../schemas/validation';
import { hashToken, newToken } from '../api/auth';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--stdin');
  const fromStdin = process.argv.includes('--stdin');
  const [id, role, department] = args;
  if (!id || !role) {
    process.stderr.write('usage: npx tsx scripts/hash-token.ts <id> <department|supervisor|meetingOffice|admin> [department id] [--stdin]\n');
    process.exit(2);
  }
  const token = fromStdin ? await readStdin() : newToken();
  if (token.length < 16) throw new Error('a token must have at least 16 characters');
  const entry = { id, role, ...(department ? { department } : {}), hash: hashToken(token) };
  const parsed = ApiTokenEntry.safeParse(entry);
  if (!parsed.success) throw new Error(issuesOf(parsed.error).map((i) => `${i.field}: ${i.rule}`).join('; '));
  if (!fromStdin) process.stderr.write(`token (shown once, give it to its holder): ${token}\n`);
  process.stdout.write(`${JSON.stringify(parsed.data)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
