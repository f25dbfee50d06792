/**
 * Files in the state folder hold what logs said about users and addresses: the folder is created 0700 and
 * every file in it 0600, whoever's umask runs the command.
 */
import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export const STATE_DIR_MODE = 0o700;
export const STATE_FILE_MODE = 0o600;

/** Create the folder (and missing parents) owner-only; an existing folder is left as it is. */
export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE });
}

/** Append text to a state file, creating it (and its folder) owner-only. */
export function appendStateFile(path: string, text: string): void {
  ensureStateDir(dirname(path));
  appendFileSync(path, text, { mode: STATE_FILE_MODE });
}

/**
 * Create a state file owner-only if it does not exist (before a database library opens it: SQLite gives
 * its -wal and -shm files the database file's mode).
 */
export function createStateFile(path: string): void {
  ensureStateDir(dirname(path));
  closeSync(openSync(path, 'a', STATE_FILE_MODE));
}
