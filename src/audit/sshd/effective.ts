import { KEYWORDS } from './keywords.js';
import { conditionMatches, type ConnectionContext } from './match.js';
import type { SshdConfig, SshdDirective, SshdMatchBlock } from './parse.js';
import { sshdDefaults } from './data.js';
import { pushAll } from '../../util/arrays.js';

/** The value sshd uses for one keyword, and where it comes from. */
export interface Setting {
  keyword: string;
  args: string[];
  source: 'config' | 'default';
  /** For a default: the main file, line 0. */
  file: string;
  line: number;
  /** The Match block that supplied the value, when it came from one. */
  block?: SshdMatchBlock;
  /** Every directive that contributed (several for keywords such as ListenAddress). */
  directives: SshdDirective[];
}

export type Settings = ReadonlyMap<string, Setting>;

/** Lookup by any spelling of the keyword. */
export function setting(settings: Settings, keyword: string): Setting | undefined {
  return settings.get(keyword.toLowerCase());
}

export function value(settings: Settings, keyword: string): string | undefined {
  return setting(settings, keyword)?.args[0]?.toLowerCase();
}

/**
 * sshd's evaluation: global lines, first value wins (every line adds for list keywords such as
 * ListenAddress); then for a connection, the lines of the Match blocks it satisfies, again first value
 * wins among them, override the global value. Absent keywords take the compiled-in default.
 */
export function resolveSettings(config: SshdConfig, applies: (block: SshdMatchBlock) => boolean): Map<string, Setting> {
  const out = new Map<string, Setting>();
  for (const [keyword, v] of Object.entries(sshdDefaults().values)) {
    out.set(keyword.toLowerCase(), { keyword, args: v.split(' '), source: 'default', file: config.file, line: 0, directives: [] });
  }
  const layer = (directives: SshdDirective[]): Map<string, Setting> => {
    const m = new Map<string, Setting>();
    for (const d of directives) {
      const key = d.keyword.toLowerCase();
      const multi = KEYWORDS.get(key)?.kind === 'multi';
      const prev = m.get(key);
      if (prev && !multi) continue;
      const block = d.block >= 0 ? config.blocks[d.block] : undefined;
      if (prev) {
        pushAll(prev.args, d.args);
        prev.directives.push(d);
      } else {
        m.set(key, { keyword: d.keyword, args: [...d.args], source: 'config', file: d.file, line: d.line, ...(block ? { block } : {}), directives: [d] });
      }
    }
    return m;
  };
  const global = layer(config.directives.filter((d) => d.block < 0));
  const matched = layer(config.directives.filter((d) => d.block >= 0 && applies(config.blocks[d.block] as SshdMatchBlock)));
  for (const [k, s] of global) out.set(k, s);
  for (const [k, s] of matched) out.set(k, s);
  return out;
}

/** Settings for one connection, as `sshd -T -C user=…,addr=…,host=…,laddr=…,lport=…` prints them. */
export function effectiveSettings(config: SshdConfig, ctx: ConnectionContext = {}): Map<string, Setting> {
  return resolveSettings(config, (b) => conditionMatches(b.condition, ctx));
}

/** A set of connections the audit reasons about: those matching no Match block, or those matching one. */
export interface AuditContextView {
  block?: SshdMatchBlock;
  settings: Map<string, Setting>;
}

/**
 * The contexts the rules look at: the base (global lines plus `Match all` blocks) and one per
 * conditional Match block (base plus that block). A connection that satisfies several blocks gets
 * the first block's value for each keyword; each block on its own is the worst case a reviewer reads.
 */
export function auditContexts(config: SshdConfig): AuditContextView[] {
  const isAll = (b: SshdMatchBlock): boolean => b.condition.kind === 'all';
  const views: AuditContextView[] = [{ settings: resolveSettings(config, isAll) }];
  for (const block of config.blocks) {
    if (block.condition.kind !== 'criteria') continue;
    views.push({ block, settings: resolveSettings(config, (b) => (isAll(b) && b.index < block.index) || b.index === block.index) });
  }
  return views;
}
