/**
 * On-disk spool of alerts awaiting delivery: one append-only JSONL file. An alert is appended before it
 * is sent; an acknowledgement line `{"ack": id}` is appended once the endpoint accepted it, so an ack
 * costs one short append however long the backlog is. Loading replays both, yielding what is still
 * owed; the file is compacted when acks outweigh what is left, and removed when nothing is.
 */
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert } from '../../model/finding.js';

export interface SpoolEntry {
  id: string;
  alert: Alert;
  /** When it was spooled (ISO time). */
  spooled: string;
}

export interface SpoolReject {
  line: number;
  reason: string;
  text: string;
}

/** Compact once this many ack lines outnumber the entries still owed. */
const COMPACT_AFTER = 256;

function isAlertLike(v: unknown): v is Alert {
  return typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && typeof (v as { rule?: unknown }).rule === 'string';
}

export class Spool {
  private acksInFile = 0;

  constructor(readonly path: string) {}

  /** Entries still owed, oldest first (an id spooled twice counts once), and lines that could not be read. */
  async load(): Promise<{ entries: SpoolEntry[]; rejects: SpoolReject[] }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], rejects: [] };
      throw e;
    }
    const owed = new Map<string, SpoolEntry>();
    const rejects: SpoolReject[] = [];
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      if (raw.trim() === '') return;
      let doc: unknown;
      try {
        doc = JSON.parse(raw);
      } catch (e) {
        // Typically the last line of a run that stopped mid-append.
        rejects.push({ line: i + 1, reason: `spool ${this.path}:${i + 1}: not JSON (${(e as Error).message})`, text: raw.slice(0, 2000) });
        return;
      }
      const o = doc as Record<string, unknown>;
      if (typeof o === 'object' && o !== null && typeof o.ack === 'string') {
        owed.delete(o.ack);
        this.acksInFile++;
      } else if (typeof o === 'object' && o !== null && typeof o.id === 'string' && isAlertLike(o.alert)) {
        if (!owed.has(o.id)) owed.set(o.id, { id: o.id, alert: o.alert, spooled: typeof o.spooled === 'string' ? o.spooled : '' });
      } else {
        rejects.push({ line: i + 1, reason: `spool ${this.path}:${i + 1}: neither an entry {id, alert} nor an ack`, text: raw.slice(0, 2000) });
      }
    });
    return { entries: [...owed.values()], rejects };
  }

  async append(entry: SpoolEntry): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await appendFile(this.path, JSON.stringify(entry) + '\n', { mode: 0o600 });
  }

  /** Record a delivery; `owed` is what remains, used to compact or remove the file. */
  async ack(id: string, owed: readonly SpoolEntry[]): Promise<void> {
    if (owed.length === 0) {
      await rm(this.path, { force: true });
      this.acksInFile = 0;
      return;
    }
    if (this.acksInFile >= COMPACT_AFTER && this.acksInFile > owed.length) {
      await this.rewrite(owed);
      return;
    }
    await appendFile(this.path, JSON.stringify({ ack: id }) + '\n', { mode: 0o600 });
    this.acksInFile++;
  }

  /** Replace the file by the entries still owed (write aside, then rename: never a half-written spool). */
  async rewrite(owed: readonly SpoolEntry[]): Promise<void> {
    if (owed.length === 0) {
      await rm(this.path, { force: true });
    } else {
      const tmp = `${this.path}.tmp`;
      await writeFile(tmp, owed.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
      await rename(tmp, this.path);
    }
    this.acksInFile = 0;
  }
}
