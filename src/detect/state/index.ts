import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { DrawbridgeConfig } from '../../config/schema.js';
import { MemoryStateStore } from './memory.js';
import { SqliteStateStore } from './sqlite.js';
import { RedisStateStore } from './redis.js';
import type { StateStore } from './types.js';

export type { StateStore, StateView, Checkpoint, SeenEntry } from './types.js';
export { MemoryStateStore } from './memory.js';
export { SqliteStateStore } from './sqlite.js';

/** The state folder, absolute (stateDir defaults to `.drawbridge`, relative to the working folder). */
export function stateDirOf(config: DrawbridgeConfig, cwd: string = process.cwd()): string {
  return isAbsolute(config.stateDir) ? config.stateDir : join(cwd, config.stateDir);
}

/** Where the embedded store lives: `<stateDir>/state.db`. */
export function stateDbPath(config: DrawbridgeConfig, cwd: string = process.cwd()): string {
  return join(stateDirOf(config, cwd), 'state.db');
}

/** The durable store a config names (`store`): SQLite under the state folder by default, or Redis. */
export function openStateStore(config: DrawbridgeConfig, kind: 'configured' | 'memory' = 'configured'): StateStore {
  if (kind === 'memory') return new MemoryStateStore();
  return config.store === 'sqlite' ? new SqliteStateStore(stateDbPath(config)) : new RedisStateStore({ url: config.store });
}

/** Run fn on the configured store; reading commands on a missing SQLite file see an empty store rather than creating it. */
export function withStateStore<T>(config: DrawbridgeConfig, write: boolean, fn: (store: StateStore) => T): T {
  const path = stateDbPath(config);
  const store: StateStore = config.store !== 'sqlite' || write || existsSync(path) ? openStateStore(config) : new MemoryStateStore();
  try {
    return fn(store);
  } finally {
    store.close();
  }
}
