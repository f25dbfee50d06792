import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The catalogue data folder ships beside src/ and dist/ (same depth from both). */
export const CATALOG_ROOT = fileURLToPath(new URL('../../catalog/', import.meta.url));

export function catalogPath(...parts: string[]): string {
  return join(CATALOG_ROOT, ...parts);
}
