/**
 * The program every command hangs from, and how a run of it ends (exit code, one-line errors). Kept
 * apart from the commands themselves so that a run can register only the command it names.
 */
import { Command, CommanderError } from 'commander';
import { formatUsageError, UsageError } from '../model/errors.js';
import { EXIT_USAGE, packageVersion } from './common.js';
import { warn } from './warn.js';
import { describeFailure } from './failures.js';

/** The program without its commands. */
export function baseProgram(): Command {
  return (
    new Command()
      .name('drawbridge')
      .description(
        'Find, harden and watch the remote management surface (AT-GA003 External Remote Services):\n' +
          '  audit  what your configuration allows · probe  what really answers · detect  who comes in',
      )
      .version(packageVersion())
      // Usage errors are printed by runProgram() as one line and a hint, not followed by the whole help.
      .configureOutput({ outputError: () => undefined })
      .exitOverride()
  );
}

/** The command the arguments name ("drawbridge baseline list"), for the hint after a usage error. */
export function commandPath(program: Command, argv: readonly string[]): string {
  const names = [program.name()];
  let cmd = program;
  for (const a of argv) {
    if (a.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    names.push(sub.name());
    cmd = sub;
  }
  return names.join(' ');
}

/** Commander's "error: unknown option '--formt'\n(Did you mean --format?)" as one line with a hint. */
export function usageLine(e: CommanderError, where: string): string {
  const [first = '', ...rest] = e.message.replace(/^error: /, '').split('\n').filter(Boolean);
  const suggestion = rest.map((l) => l.replace(/^\((.*)\)$/, '$1')).join(' ');
  return `${first}${suggestion ? ` (${suggestion.charAt(0).toLowerCase()}${suggestion.slice(1)})` : ''}; see ${where} --help`;
}

/** Run the program over the arguments; the exit code. */
export async function runProgram(program: Command, argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (e.exitCode === 0) return 0;
      process.stderr.write(`drawbridge: ${usageLine(e, commandPath(program, argv))}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      warn(formatUsageError(e));
      return EXIT_USAGE;
    }
    const expected = describeFailure(e);
    if (expected) {
      process.stderr.write(`drawbridge: ${expected}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(
      `drawbridge: internal error: ${(e as Error).stack ?? String(e)}\n` +
        'Please report this with the command line and, if you can, the input that caused it.\n',
    );
    return EXIT_USAGE;
  }
}
