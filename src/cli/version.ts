/** The npm package's own metadata (name, version), read from its package.json; imports nothing else. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function packageJson(): { name: string; version: string } {
  const pkg = fileURLToPath(new URL('../../package.json', import.meta.url));
  return JSON.parse(readFileSync(pkg, 'utf8')) as { name: string; version: string };
}
