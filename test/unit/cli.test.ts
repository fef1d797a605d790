import { PassThrough } from 'node:stream';
import { main } from '../../cli/main';
import { displayWidth, formatTable, type Io } from '../../cli/output';
import { progress } from '../../cli/progress';

function fakeIo(tty = false): Io & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  return { stdout, stderr, env: { KEYFLOW_STATE_DIR: '/nonexistent/keyflow-test' }, out: () => out, err: () => err };
}

describe('command-line output', () => {
  it('counts a CJK character as two terminal columns, so Chinese columns line up', () => {
    expect(displayWidth('临颍县')).toBe(6);
    expect(displayWidth('（万元）')).toBe(8);
    expect(displayWidth('abc')).toBe(3);
    const table = formatTable(['COUNTY', 'N'], [['临颍县', 12], ['etdz', 3]]).split('\n');
    expect(table).toEqual(['COUNTY   N', '──────  ──', '临颍县  12', 'etdz     3', '']);
  });

  it('draws a bar on a terminal and prints plain counts otherwise', () => {
    const tty = fakeIo(true);
    const bar = progress(tty, 'seeding', 4);
    for (let i = 1; i <= 4; i++) bar.update(i);
    bar.finish('4 registered');
    expect(tty.err()).toContain('\rseeding [');
    expect(tty.err()).toMatch(/4\/4\nseeding: 4 registered\n$/);

    const pipe = fakeIo(false);
    const plain = progress(pipe, 'seeding', 8);
    for (let i = 1; i <= 8; i++) plain.update(i);
    plain.finish();
    expect(pipe.err()).toBe('seeding: 1/8\nseeding: 2/8\nseeding: 4/8\nseeding: 6/8\nseeding: 8/8\n');
  });
});

describe('keyflow main (in process, no server)', () => {
  it('answers the calendar offline and exits 2 on bad input', async () => {
    const io = fakeIo();
    expect(await main(['calendar', 'add-working-days', '2026-09-30', '1', '--json'], io)).toBe(0);
    expect(io.out()).toBe('"2026-10-08"\n');
    const bad = fakeIo();
    expect(await main(['calendar', 'is-working-day', '30.09.2026'], bad)).toBe(2);
    expect(bad.err()).toBe('keyflow: DATE: must be a date written YYYY-MM-DD; got "30.09.2026"\n');
  });

  it('exits 2 on bad usage, 5 when there is no Temporal, 0 with help', async () => {
    const io = fakeIo();
    expect(await main(['task', 'act', '2026-411122-13-03-000001'], io)).toBe(2);
    expect(io.err()).toContain('task act: missing STAGE DEPARTMENT');
    const none = fakeIo();
    expect(await main(['inbox', 'zjj', '--json'], none)).toBe(5);
    expect(JSON.parse(none.err())).toMatchObject({ error: { exitCode: 5, type: 'Unreachable' } });
    const help = fakeIo();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toContain('5  cannot reach Temporal or Kafka');
    expect(await main([], fakeIo())).toBe(2);
  });
});
