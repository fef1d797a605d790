/**
 * What the command line writes: data to stdout (a table for people, JSON with `--json` for
 * scripts), messages and progress to stderr. Tables pad by display width, so columns of Chinese
 * names line up in a terminal (a CJK character takes two columns).
 */

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** Characters a terminal draws two columns wide (East Asian Wide and Fullwidth). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Columns `s` takes in a terminal. Combining marks take none. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b) continue;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

export type Cell = string | number | boolean | null | undefined;

const text = (c: Cell): string => (c === null || c === undefined ? '–' : String(c).replace(/\s*\n\s*/g, ' '));

/**
 * A plain table: a header row, a rule, the rows; columns two spaces apart. Numeric columns
 * (numbers, some cells maybe empty) are right-aligned.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = rows.map((r) => headers.map((_, i) => text(r[i])));
  const numeric = headers.map(
    (_, i) => rows.some((r) => typeof r[i] === 'number') && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined || r[i] === ''),
  );
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i]!))));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (numeric[i] ? padStart(c, widths[i]!) : i === r.length - 1 ? c : padEnd(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export function writeTable(io: Io, headers: readonly string[], rows: readonly (readonly Cell[])[], empty = '(none)'): void {
  io.stdout.write(rows.length === 0 ? `${empty}\n` : formatTable(headers, rows));
}

/** Label–value lines (`  stage     underConstruction`), labels padded to one width. */
export function formatFacts(facts: ReadonlyArray<readonly [string, Cell]>): string {
  const width = Math.max(0, ...facts.map(([k]) => displayWidth(k)));
  return facts.map(([k, v]) => `  ${padEnd(k, width)}  ${text(v)}`).join('\n') + '\n';
}

export function writeJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A message for the person at the terminal (stderr, never mixed into data). */
export function say(io: Io, message: string): void {
  io.stderr.write(`${message}\n`);
}

/** A share 0–1 as a percentage, `37.5%`. */
export function percent(rate: number | null | undefined): string | null {
  return rate === null || rate === undefined ? null : `${(rate * 100).toFixed(1)}%`;
}
