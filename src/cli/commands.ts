import type { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerProbe } from './probe.js';
import { registerDetect } from './detect.js';
import { registerBaseline } from './baseline.js';
import { registerInit } from './init.js';
import { registerDemo } from './demo.js';
import { registerEmulate } from './emulate.js';
import { registerServe } from './serve.js';
import { registerK8s, registerToken } from './k8s.js';

/** Every command registers itself here; each lives in its own thin file. */
export function registerCommands(program: Command): void {
  registerAudit(program);
  registerProbe(program);
  registerDetect(program);
  registerBaseline(program);
  registerInit(program);
  registerDemo(program);
  registerEmulate(program);
  registerServe(program);
  registerK8s(program);
  registerToken(program);
}
