import type { Command } from 'commander';
import { registerCommands } from './commands.js';
import { baseProgram, runProgram } from './program.js';

/** Build the program with every command; exported so tests can run commands in-process. */
export function buildProgram(): Command {
  const program = baseProgram();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  return runProgram(buildProgram(), argv);
}
