import type { Finding } from '../../model/finding.js';
import { toJson, toJsonl, type Lens } from './json.js';
import { toOcsf } from './ocsf.js';
import { toSarif } from './sarif.js';
import { toTable } from './table.js';
import { UsageError } from '../../model/errors.js';

export const FORMATS = ['table', 'json', 'jsonl', 'sarif', 'ocsf'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export interface RenderOptions {
  lens: Lens;
  colour: boolean;
  version: string;
  baseDir: string;
  extra?: Record<string, unknown>;
}

export function parseFormat(s: string): OutputFormat {
  if ((FORMATS as readonly string[]).includes(s)) return s as OutputFormat;
  throw new UsageError(`--format: unknown format "${s}" (expected one of ${FORMATS.join(', ')})`, 'DRB-E-FORMAT');
}

export function render(format: OutputFormat, items: readonly Finding[], opts: RenderOptions): string {
  switch (format) {
    case 'json':
      return toJson(opts.lens, items, opts.extra);
    case 'jsonl':
      return toJsonl(items);
    case 'table':
      return toTable(items, { colour: opts.colour });
    case 'sarif':
      return toSarif(items, { version: opts.version, baseDir: opts.baseDir });
    case 'ocsf':
      return toOcsf(items, opts.version);
  }
}
