import { wildcardMatch } from '../../../src/audit/sshd/match.js';
import type { IncludeIO } from '../../../src/audit/sshd/parse.js';
import type { AuditContext } from '../../../src/audit/types.js';
import { defaultConfig } from '../../../src/config/load.js';

/** An in-memory file system for Include tests: path → content. */
export function memoryIO(files: Record<string, string>): IncludeIO {
  return {
    readFile: (p) => files[p],
    glob: (pattern) => Object.keys(files).filter((p) => wildcardMatch(p, pattern)).sort(),
  };
}

export function memoryContext(files: Record<string, string> = {}): AuditContext {
  return { config: defaultConfig(), ...memoryIO(files) };
}
