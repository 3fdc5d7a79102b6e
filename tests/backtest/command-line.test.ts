/** `npm run backtest`: a wrong command line is refused naming the flag (exit 2), before anything is read. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backtestCommand } from '../../bin/cli/commands/backtest.js';
import { runCommand } from '../../bin/cli/io.js';
import { captureIo } from '../cli/support.js';

const example = 'config/hospitals/example.json';
const folder = mkdtempSync(join(tmpdir(), 'backtest-args-'));
const archive = join(folder, 'archive');
mkdirSync(join(archive, 'raw'), { recursive: true });
const badConfig = join(folder, 'bad.json');
writeFileSync(badConfig, JSON.stringify({ hospitalId: 'x' }));
const badRules = join(folder, 'bad-rules.json');
const hospital = JSON.parse(readFileSync(example, 'utf8')) as Record<string, unknown>;
writeFileSync(badRules, JSON.stringify({ ...hospital, rules: { escalateAfterMinutes: -5 } }));
const notJson = join(folder, 'not.json');
writeFileSync(notJson, '{ "rules": ');

afterAll(() => rmSync(folder, { recursive: true, force: true }));

const valid = ['--from', '2026-01-01', '--to', '2026-01-02', '--config', example, '--dir', archive];

async function run(args: string[]) {
  const io = captureIo();
  // No archive is ever reached: every case fails on its arguments first.
  const code = await runCommand(
    (argv, commandIo) =>
      backtestCommand(argv, commandIo, {
        s3Archive: () => Promise.reject(new Error('the archive must not be read')),
      }),
    args,
    io,
  );
  return { code, stderr: io.stderr.join('\n'), stdout: io.stdout.join('\n') };
}

describe('npm run backtest: bad arguments', () => {
  it.each([
    ['--from missing', valid.slice(2), '--from is required'],
    ['--to missing', [...valid.slice(0, 2), ...valid.slice(4)], '--to is required'],
    [
      '--from not a day',
      ['--from', '2026-02-30', ...valid.slice(2)],
      '--from must be a day as YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      '--to before --from',
      ['--from', '2026-01-05', '--to', '2026-01-01', ...valid.slice(4)],
      '--to is before --from',
    ],
    ['--config missing', valid.slice(0, 4).concat(['--dir', archive]), '--config is required'],
    [
      'three configurations',
      [...valid, '--config', example, '--config', example],
      '--config is given 3 times; give one configuration, or two to compare',
    ],
    ['--archive and --dir', [...valid, '--archive', 's3://bucket'], '--archive and --dir'],
    [
      '--archive not an S3 URL',
      [...valid.slice(0, 6), '--archive', 'https://bucket/x'],
      '--archive must be s3://BUCKET',
    ],
    [
      '--dir not a folder',
      [...valid.slice(0, 6), '--dir', join(folder, 'nowhere')],
      `--dir ${join(folder, 'nowhere')}: no such folder`,
    ],
    [
      '--dir not an archive copy',
      [...valid.slice(0, 6), '--dir', join(archive, 'raw')],
      'no raw/ folder in it',
    ],
    [
      '--config not found',
      ['--from', '2026-01-01', '--to', '2026-01-01', '--config', join(folder, 'nope.json'), '--dir', archive],
      'nope.json: cannot be read (ENOENT)',
    ],
    [
      '--config not JSON',
      ['--from', '2026-01-01', '--to', '2026-01-01', '--config', notJson, '--dir', archive],
      `--config ${notJson}: not valid JSON`,
    ],
    [
      '--config without the hospital keys',
      ['--from', '2026-01-01', '--to', '2026-01-01', '--config', badConfig, '--dir', archive],
      `--config ${badConfig}: displayName`,
    ],
    [
      '--config with a bad rules key',
      ['--from', '2026-01-01', '--to', '2026-01-01', '--config', badRules, '--dir', archive],
      'rules.escalateAfterMinutes',
    ],
    ['an unknown option', [...valid, '--shadow'], "Unknown option '--shadow'"],
    ['a stray argument', [...valid, 'extra'], 'backtest takes no arguments, got "extra"'],
    ['--json given a value', [...valid, '--json=yes'], '--json'],
  ])('%s: exit 2 and a message naming it', async (_case, args, message) => {
    const { code, stderr, stdout } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack
    expect(stdout).toBe('');
  });

  it('--help: the usage, exit 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run backtest -- --from YYYY-MM-DD --to YYYY-MM-DD --config A.json');
  });
});
