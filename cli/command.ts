/**
 * What a subcommand declares: the words that select it, its arguments and options (parsed by
 * `node:util` parseArgs in main.ts), its help, and what it does.
 */
import os from 'node:os';
import type { ParseArgsConfig } from 'node:util';
import type { ZodTypeAny } from 'zod';
import { loadReferenceData } from '../seeds';
import { issuesOf } from '../schemas/validation';
import { CliError, ExitCode, usageError } from './exitCodes';
import type { Io } from './output';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandInput {
  /** Positional arguments after the command words, checked against `args`. */
  args: string[];
  options: OptionValues;
  json: boolean;
}

export interface Command {
  /** E.g. ['projects', 'list']. */
  words: readonly string[];
  /** Names of the required positional arguments, e.g. ['CODE']. */
  args: readonly string[];
  /** One line for the command list. */
  summary: string;
  /** The synopsis, e.g. `keyflow project show CODE [--json]`. */
  usage: string;
  /** Lines after the synopsis in `keyflow <command> --help`. */
  help?: string;
  options: OptionsConfig;
  /** Takes no server: the calendar. */
  offline?: boolean;
  run(input: CommandInput, io: Io): Promise<number>;
}

export function str(input: CommandInput, name: string): string | undefined {
  const v = input.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function required(input: CommandInput, name: string): string {
  const v = str(input, name);
  if (v === undefined || v.trim() === '') throw usageError(`--${name} is required`);
  return v;
}

export function list(input: CommandInput, name: string): string[] {
  const v = input.options[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** A number option: `--to-date 1200.5`; anything else is bad input naming the option. */
export function num(input: CommandInput, name: string, what = 'a number'): number | undefined {
  const v = str(input, name);
  if (v === undefined) return undefined;
  const s = v.trim().replace(/,/g, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) throw usageError(`--${name}: must be ${what}, got "${v}"`);
  return Number(s);
}

/** Who acts: `--as`, else the operator's login (`cli:zhang`). */
export function actorName(input: CommandInput): string {
  return str(input, 'as') ?? `cli:${safeUser()}`;
}

function safeUser(): string {
  try {
    return os.userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

/** A department by id or Chinese name (reference data), for commands that take one. */
export function departmentId(value: string, label = 'DEPARTMENT'): string {
  const ref = loadReferenceData();
  const v = value.trim();
  const found = ref.departments.find((d) => d.id === v.toLowerCase() || d.name === v || d.name === v.replace(/^市/, '') || (d.aliases ?? []).includes(v.replace(/^市/, '')));
  if (!found) throw usageError(`${label}: unknown department "${value}" (known: ${ref.departments.map((d) => `${d.id} ${d.name}`).join(', ')})`);
  return found.id;
}

/** A county by id or Chinese name (reference data). */
export function countyId(value: string): string {
  const ref = loadReferenceData();
  const v = value.trim();
  const found = ref.counties.find((c) => c.id === v.toLowerCase() || c.name === v || c.name.replace(/[县区]$/, '') === v);
  if (!found) throw usageError(`--county: unknown county "${value}" (known: ${ref.counties.map((c) => `${c.id} ${c.name}`).join(', ')})`);
  return found.id;
}

export function countyName(id: string): string {
  return loadReferenceData().counties.find((c) => c.id === id)?.name ?? id;
}

export const JSON_OPTION: OptionsConfig = { json: { type: 'boolean' } };
export const ACTOR_OPTIONS: OptionsConfig = { as: { type: 'string' }, 'request-id': { type: 'string' } };

/** A value from a fixed list, or bad input listing the choices. */
export function oneOf<T extends string>(value: string, choices: readonly T[], label: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw usageError(`${label}: must be one of ${choices.join(', ')}; got "${value}"`);
}

/**
 * Validates a request built from options with its schema before anything is sent, and names the
 * options (not the schema's fields) in what it says: `--to-date: must not be negative`.
 */
export function validateRequest<S extends ZodTypeAny>(schema: S, value: unknown, flags: Record<string, string>): import('zod').output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = issuesOf(r.error).map((i) => {
    const key = Object.keys(flags)
      .filter((f) => i.field === f || i.field.startsWith(`${f}.`))
      .sort((a, b) => b.length - a.length)[0];
    return { field: key ? flags[key]! : i.field, rule: i.rule };
  });
  throw new CliError(ExitCode.badInput, issues.map((i) => `${i.field}: ${i.rule}`).join('; '), issues, 'ValidationFailed');
}
