import type { Command } from 'commander';
import { registerInit } from './init.js';

/** Every command registers itself here; each lives in its own thin file. */
export function registerCommands(program: Command): void {
  registerInit(program);
}
