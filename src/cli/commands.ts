import type { Command } from 'commander';
import { registerInit } from './init.js';
import { registerAudit } from './audit.js';
import { registerProbe } from './probe.js';

/** Every command registers itself here; each lives in its own thin file. */
export function registerCommands(program: Command): void {
  registerAudit(program);
  registerProbe(program);
  registerInit(program);
}
