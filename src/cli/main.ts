import { Command, CommanderError } from 'commander';
import { formatUsageError, UsageError } from '../model/errors.js';
import { EXIT_USAGE, packageVersion } from './common.js';
import { registerCommands } from './commands.js';
import { warn } from './warn.js';

/** Build the program; exported so tests can run commands in-process. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('drawbridge')
    .description(
      'Find, harden and watch the remote management surface (AT-GA003 External Remote Services):\n' +
        '  audit  what your configuration allows · probe  what really answers · detect  who comes in',
    )
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      warn(formatUsageError(e));
      return EXIT_USAGE;
    }
    process.stderr.write(
      `drawbridge: internal error: ${(e as Error).stack ?? String(e)}\n` +
        'Please report this with the command line and, if you can, the input that caused it.\n',
    );
    return EXIT_USAGE;
  }
}
