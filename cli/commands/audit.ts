import fs from 'node:fs';
import { verifyChain } from '../../domain/audit/chain';
import { AuditChain } from '../../schemas/audit';
import { JSON_OPTION, str, type Command } from '../command';
import { CliError, ExitCode } from '../exitCodes';
import { callApi } from '../http';
import { writeJson } from '../output';
import { projectCode } from './project';

/**
 * `keyflow audit verify CODE`: fetches the project's record through the API (or reads a stored
 * copy) and checks every link here, not trusting anyone's verdict: exit 0 when it holds, 8 naming
 * the first broken entry when not.
 */
export const auditVerify: Command = {
  words: ['audit', 'verify'],
  args: ['CODE'],
  summary: "check a project's tamper-evident record (留痕) end to end; names the first broken entry",
  usage: 'keyflow audit verify CODE [--file CHAIN.json] [--json]',
  help: [
    '  --file F   a stored copy of the chain (the answer of GET /projects/{code}/audit) instead of the API\'s',
    '',
    '  Exit 0 when every entry links to the one before and matches its hash; 8 when not, naming the entry.',
    '  Reads through the HTTP API with a credential (KEYFLOW_TOKEN or keyflow login) unless --file is given.',
  ].join('\n'),
  options: { file: { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const code = projectCode(input.args[0]!);
    const file = str(input, 'file');
    let raw: unknown;
    if (file) {
      try {
        raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        throw new CliError(ExitCode.badInput, `--file: cannot read ${file}: ${(err as Error).message}`);
      }
    } else {
      raw = await callApi(io.env, 'GET', `/projects/${code}/audit`);
    }
    const parsed = AuditChain.safeParse(raw);
    if (!parsed.success) throw new CliError(ExitCode.tampered, `the record is not a chain: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, [], 'AuditBroken');
    if (parsed.data.code !== code) throw new CliError(ExitCode.badInput, `the record is of project ${parsed.data.code}, not ${code}`);
    const verdict = verifyChain(parsed.data.entries);
    if (input.json) writeJson(io, verdict);
    if (!verdict.ok) {
      const b = verdict.firstBroken!;
      throw new CliError(ExitCode.tampered, `${code}: the record is broken at entry ${b.seq} (${b.kind} ${b.key}): ${b.reason}`, [], 'AuditBroken');
    }
    if (!input.json) io.stdout.write(`${code}: ${verdict.entries} entries, every link holds; head ${verdict.head}\n`);
    return 0;
  },
};
