import type { z } from 'zod';
import type { Principal } from '../../schemas/api';
import { UserRole, USER_ROLE_NAMES, type NewToken, type TokenView, type UserView } from '../../schemas/users';
import { departmentId, JSON_OPTION, list, oneOf, required, str, type Command } from '../command';
import { usageError } from '../exitCodes';
import { apiUrl, callApi, writeConfig } from '../http';
import { formatTable, writeJson } from '../output';

/**
 * People through the API (an administrator's credential): users and their tokens, and
 * `keyflow login`, which stores a credential in the config file for the acting commands.
 */

const API_NOTE = '  Goes through the HTTP API with an administrator\'s credential (KEYFLOW_TOKEN or keyflow login).';

async function readSecret(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const userLine = (u: UserView) =>
  [u.id, u.name, u.department ?? u.enterprise?.name ?? null, u.roles.map((r) => USER_ROLE_NAMES[r]).join('、'), u.disabled ? '停用 disabled' : '正常', u.tokens.length];

export const usersList: Command = {
  words: ['users', 'list'],
  args: [],
  summary: 'list the users (用户) with their roles and number of tokens',
  usage: 'keyflow users list [--json]',
  help: API_NOTE,
  options: { ...JSON_OPTION },
  async run(input, io) {
    const page = (await callApi(io.env, 'GET', '/users?limit=200')) as { items: UserView[] };
    if (input.json) writeJson(io, page.items);
    else io.stdout.write(formatTable(['ID', 'NAME', 'DEPARTMENT / ENTERPRISE', 'ROLES', 'STATUS', 'TOKENS'], page.items.map(userLine)));
    return 0;
  },
};

export const usersAdd: Command = {
  words: ['users', 'add'],
  args: ['ID'],
  summary: 'add a user: name, roles, department or enterprise with its projects (takes effect at once)',
  usage: 'keyflow users add ID --name NAME --role ROLE [--role ROLE] [--department D | --enterprise NAME --project CODE…] [--password-stdin] [--json]',
  help: [
    '  ID                 the login name, e.g. zrzy.wang',
    `  --role ROLE        ${UserRole.options.join(', ')} (department roles combine)`,
    '  --department D     the department (id or name) of a department role',
    '  --enterprise NAME  the enterprise (项目单位) of role enterprise, with --project CODE for each project it owns',
    '  --password-stdin   read the first password from standard input (else the user signs in with tokens only)',
    '',
    API_NOTE,
  ].join('\n'),
  options: { name: { type: 'string' }, role: { type: 'string', multiple: true }, department: { type: 'string' }, enterprise: { type: 'string' }, project: { type: 'string', multiple: true }, 'password-stdin': { type: 'boolean' }, ...JSON_OPTION },
  async run(input, io) {
    const roles = list(input, 'role').map((r) => oneOf(r, UserRole.options, '--role'));
    if (roles.length === 0) throw usageError('--role is required (repeatable)');
    const enterprise = str(input, 'enterprise');
    const body = {
      id: input.args[0]!,
      name: required(input, 'name'),
      roles,
      ...(str(input, 'department') !== undefined ? { department: departmentId(str(input, 'department')!, '--department') } : {}),
      ...(enterprise !== undefined ? { enterprise: { name: enterprise, projects: list(input, 'project') } } : {}),
      ...(input.options['password-stdin'] ? { password: await readSecret() } : {}),
    };
    const user = (await callApi(io.env, 'POST', '/users', body)) as UserView;
    if (input.json) writeJson(io, user);
    else io.stdout.write(`user ${user.id} (${user.name}) added: ${user.roles.join(', ')}\n`);
    return 0;
  },
};

export const usersDisable: Command = {
  words: ['users', 'disable'],
  args: ['ID'],
  summary: 'disable a user: sign-in, tokens and sessions refused at once',
  usage: 'keyflow users disable ID --reason R [--json]',
  help: API_NOTE,
  options: { reason: { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const user = (await callApi(io.env, 'POST', `/users/${encodeURIComponent(input.args[0]!)}/disable`, { reason: required(input, 'reason') })) as UserView;
    if (input.json) writeJson(io, user);
    else io.stdout.write(`user ${user.id} disabled\n`);
    return 0;
  },
};

export const usersPasswd: Command = {
  words: ['users', 'passwd'],
  args: ['ID'],
  summary: "set a user's password (read from standard input); their sessions end",
  usage: 'keyflow users passwd ID < password-file',
  help: API_NOTE,
  options: { ...JSON_OPTION },
  async run(input, io) {
    const user = (await callApi(io.env, 'POST', `/users/${encodeURIComponent(input.args[0]!)}/password`, { password: await readSecret() })) as UserView;
    if (input.json) writeJson(io, user);
    else io.stdout.write(`password of ${user.id} set\n`);
    return 0;
  },
};

export const tokensAdd: Command = {
  words: ['tokens', 'add'],
  args: ['USER'],
  summary: 'make an API token for a user (printed once; only its hash is kept)',
  usage: 'keyflow tokens add USER [--label L] [--json]',
  help: API_NOTE,
  options: { label: { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const label = str(input, 'label');
    const made = (await callApi(io.env, 'POST', `/users/${encodeURIComponent(input.args[0]!)}/tokens`, label !== undefined ? { label } : {})) as z.infer<typeof NewToken>;
    if (input.json) writeJson(io, made);
    else {
      io.stdout.write(`${made.token}\n`);
      io.stderr.write(`token ${made.id} for ${made.userId}: shown this once; store it (keyflow login --token …)\n`);
    }
    return 0;
  },
};

export const tokensList: Command = {
  words: ['tokens', 'list'],
  args: ['USER'],
  summary: "list a user's API tokens (ids and labels, never the secret)",
  usage: 'keyflow tokens list USER [--json]',
  help: API_NOTE,
  options: { ...JSON_OPTION },
  async run(input, io) {
    const tokens = (await callApi(io.env, 'GET', `/users/${encodeURIComponent(input.args[0]!)}/tokens`)) as Array<z.infer<typeof TokenView>>;
    if (input.json) writeJson(io, tokens);
    else io.stdout.write(formatTable(['ID', 'LABEL', 'CREATED'], tokens.map((t) => [t.id, t.label ?? null, t.createdAt])));
    return 0;
  },
};

export const tokensRevoke: Command = {
  words: ['tokens', 'revoke'],
  args: ['USER', 'TOKEN_ID'],
  summary: 'revoke a user\'s API token: refused from the next request on, no restart',
  usage: 'keyflow tokens revoke USER TOKEN_ID [--json]',
  help: API_NOTE,
  options: { ...JSON_OPTION },
  async run(input, io) {
    const [user, tokenId] = input.args as [string, string];
    const done = await callApi(io.env, 'DELETE', `/users/${encodeURIComponent(user)}/tokens/${encodeURIComponent(tokenId)}`);
    if (input.json) writeJson(io, done);
    else io.stdout.write(`token ${tokenId} of ${user} revoked\n`);
    return 0;
  },
};

export const login: Command = {
  words: ['login'],
  args: [],
  summary: 'store an API token (and the API address) in the config file for the acting commands',
  usage: 'keyflow login --token TOKEN [--api URL] [--json]',
  help: [
    '  --token TOKEN   your API token (an administrator makes one: keyflow tokens add USER); checked with the API first',
    '  --api URL       the API, e.g. http://127.0.0.1:8080 (default KEYFLOW_API_URL, the running local stack, or port KEYFLOW_API_PORT)',
    '',
    '  Writes KEYFLOW_CONFIG (default ~/.config/keyflow/config.json), readable by you only. KEYFLOW_TOKEN, when set, wins over it.',
  ].join('\n'),
  options: { token: { type: 'string' }, api: { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const token = required(input, 'token');
    const api = str(input, 'api') ?? apiUrl(io.env, {});
    const env = { ...io.env, KEYFLOW_API_URL: api };
    const who = (await callApi(env, 'GET', '/whoami', undefined, token)) as Principal;
    const file = writeConfig(io.env, { api, token });
    if (input.json) writeJson(io, { config: file, principal: who });
    else io.stdout.write(`signed in as ${who.userId ? `${who.userId} (${who.name})` : `service token ${who.tokenId}`} — ${who.role}${who.department ? ` of ${who.department}` : ''}; credential stored in ${file}\n`);
    return 0;
  },
};
