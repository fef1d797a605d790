/**
 * `keyflow`: the operators' command line and keyflow's scripting interface. Human-readable
 * tables by default, `--json` for scripts; data on stdout, messages and progress on stderr;
 * exit codes in exitCodes.ts. The forms in cli/README.md are stable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from './command';
import { COMMANDS } from './commands';
import { errorJson, errorText, EXIT_CODE_HELP, exitCodeOf, ExitCode, usageError } from './exitCodes';
import { padEnd, processIo, type Io } from './output';

function version(): string {
  // dist/cli/main.js and cli/main.ts sit at different depths below package.json.
  for (let dir = __dirname, i = 0; i < 4; dir = path.dirname(dir), i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

export function generalHelp(): string {
  // The synopsis up to its first option: `project report CODE`, `calendar add-working-days YYYY-MM-DD N`.
  const synopsis = (c: Command) => c.usage.replace(/^keyflow /, '').split(/ \[| --/)[0]!;
  const width = Math.max(...COMMANDS.map((c) => synopsis(c).length));
  const lines = COMMANDS.map((c) => `  ${padEnd(synopsis(c), width)}  ${c.summary}`);
  return `keyflow ${version()} — key projects (重点项目) on Temporal and Kafka

Usage: keyflow <command> [arguments] [options]

Commands:
${lines.join('\n')}

keyflow <command> --help shows a command's options. Most commands take --json: data as JSON on
stdout, for scripts; errors then come as one JSON object {"error":{exitCode,type,message,issues}}
on stderr. Messages and progress always go to stderr.

Finding Temporal: TEMPORAL_ADDRESS (with TEMPORAL_NAMESPACE, KEYFLOW_TASK_QUEUE) if set, else the
running local stack (\`keyflow start\`), which writes endpoints.json into KEYFLOW_STATE_DIR
(default ~/.cache/keyflow/stack). The calendar commands need no server.

Acting commands (task act/resubmit/hand-in, review reapply, project report/transition) and the
users/tokens commands go through the HTTP API with a credential: KEYFLOW_TOKEN, else the config
file (KEYFLOW_CONFIG, default ~/.config/keyflow/config.json; keyflow login writes it); the API at
KEYFLOW_API_URL, the config file's, or the running local stack's. The user of the credential is
the actor recorded; there is no --as.

${EXIT_CODE_HELP}
`;
}

function commandHelp(c: Command): string {
  return `Usage: ${c.usage}\n\n${c.summary}\n${c.help ? `\n${c.help}\n` : ''}\n${EXIT_CODE_HELP}\n`;
}

/** The command named by the leading words of argv, longest match first. */
function findCommand(argv: readonly string[]): { command: Command; rest: string[] } {
  const matches = COMMANDS.filter((c) => c.words.every((w, i) => argv[i] === w)).sort((a, b) => b.words.length - a.words.length);
  const command = matches[0];
  if (command) return { command, rest: argv.slice(command.words.length) };
  const group = COMMANDS.filter((c) => c.words[0] === argv[0]);
  if (group.length > 0) {
    const what = argv[1] === undefined || argv[1].startsWith('-') ? 'needs a subcommand' : `has no subcommand "${argv[1]}"`;
    throw usageError(`${argv[0]} ${what}; one of:\n${group.map((c) => `  ${c.usage}`).join('\n')}`);
  }
  throw usageError(`unknown command "${argv[0]}"; run keyflow --help for the list`);
}

/** Runs one command line; returns the exit code (never throws). */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const wantsJson = argv.includes('--json');
  try {
    if (argv.length === 0) {
      io.stderr.write(generalHelp());
      return ExitCode.badInput;
    }
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      const topic = argv.slice(1).filter((a) => !a.startsWith('-'));
      io.stdout.write(topic.length > 0 ? commandHelp(findCommand(topic).command) : generalHelp());
      return ExitCode.ok;
    }
    if (argv[0] === '--version' || argv[0] === '-v') {
      io.stdout.write(`${version()}\n`);
      return ExitCode.ok;
    }
    const { command, rest } = findCommand(argv);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: [...rest],
        options: { ...command.options, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw usageError(`${(err as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\nusage: ${command.usage}`);
    }
    if (parsed.values.help) {
      io.stdout.write(commandHelp(command));
      return ExitCode.ok;
    }
    if (parsed.positionals.length !== command.args.length) {
      const missing = command.args.slice(parsed.positionals.length);
      const problem =
        parsed.positionals.length < command.args.length
          ? `missing ${missing.join(' ')}`
          : `unexpected argument${parsed.positionals.length - command.args.length > 1 ? 's' : ''} ${parsed.positionals.slice(command.args.length).map((a) => `"${a}"`).join(' ')}`;
      throw usageError(`${command.words.join(' ')}: ${problem}\nusage: ${command.usage}`);
    }
    return await command.run({ args: parsed.positionals, options: parsed.values as Record<string, string | boolean | string[] | undefined>, json: parsed.values.json === true }, io);
  } catch (err) {
    io.stderr.write(wantsJson ? `${JSON.stringify(errorJson(err))}\n` : `${errorText(err)}\n`);
    return exitCodeOf(err);
  }
}
