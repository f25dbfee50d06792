/**
 * Which module registers each top-level command, loaded on demand. A run whose first argument names
 * a command registers that command alone (bin.ts), so it loads what the command needs and nothing
 * else; any other run (help, an unknown command, `completion`, which prints the whole tree) registers
 * every command (commands.ts), as do the tests and the generated docs.
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

const MODULES: Readonly<Record<string, () => Promise<Register>>> = {
  audit: async () => (await import('./audit.js')).registerAudit,
  probe: async () => (await import('./probe.js')).registerProbe,
  detect: async () => (await import('./detect.js')).registerDetect,
  decode: async () => (await import('./decode.js')).registerDecode,
  learn: async () => (await import('./baseline.js')).registerBaseline,
  baseline: async () => (await import('./baseline.js')).registerBaseline,
  surface: async () => (await import('./surface.js')).registerSurface,
  init: async () => (await import('./init.js')).registerInit,
  demo: async () => (await import('./demo.js')).registerDemo,
  emulate: async () => (await import('./emulate.js')).registerEmulate,
  evaluate: async () => (await import('./emulate.js')).registerEmulate,
  serve: async () => (await import('./serve.js')).registerServe,
  k8s: async () => (await import('./k8s.js')).registerK8s,
  token: async () => (await import('./k8s.js')).registerToken,
};

/** Every top-level command that can be registered alone. */
export const SINGLE_COMMANDS: readonly string[] = Object.keys(MODULES);

/** The registration of the one command `argv` names first, or undefined when the run needs every command. */
export function singleCommand(argv: readonly string[]): (() => Promise<Register>) | undefined {
  const first = argv[0];
  return first !== undefined && Object.hasOwn(MODULES, first) ? MODULES[first] : undefined;
}
