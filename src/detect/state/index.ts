import { isAbsolute, join } from 'node:path';
import type { DrawbridgeConfig } from '../../config/schema.js';
import { MemoryStateStore } from './memory.js';
import { SqliteStateStore } from './sqlite.js';
import type { StateStore } from './types.js';

export type { StateStore, StateView, Checkpoint, SeenEntry } from './types.js';
export { MemoryStateStore } from './memory.js';
export { SqliteStateStore } from './sqlite.js';

/** Where the embedded store lives: `<stateDir>/state.db` (stateDir defaults to `.drawbridge`). */
export function stateDbPath(config: DrawbridgeConfig, cwd: string = process.cwd()): string {
  const dir = isAbsolute(config.stateDir) ? config.stateDir : join(cwd, config.stateDir);
  return join(dir, 'state.db');
}

/** The default durable store for a config. */
export function openStateStore(config: DrawbridgeConfig, kind: 'sqlite' | 'memory' = 'sqlite'): StateStore {
  return kind === 'memory' ? new MemoryStateStore() : new SqliteStateStore(stateDbPath(config));
}
