/**
 * What the server keeps beside the detect state, in `<stateDir>/server.db` (SQLite, 0600): findings
 * posted by `audit`/`probe` runs (or run by the server), the observations digest (so that a restart keeps
 * what detection already read past), and the admin audit log (who approved, forgot or changed what).
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Finding } from '../model/finding.js';
import type { SavedBucket } from '../detect/observations.js';

export interface StoredFinding {
  lens: 'audit' | 'probe';
  received: string;
  finding: Finding;
}

export interface AdminLogEntry {
  time: string;
  /** Which token acted (its definition line in the token file, never the token). */
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export class ServerDb {
  private readonly db: Database.Database;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS findings (id TEXT PRIMARY KEY, lens TEXT NOT NULL, received TEXT NOT NULL, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS observations (key TEXT PRIMARY KEY, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS admin_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
    `);
  }

  /** Keep findings (a later run's finding with the same id replaces the earlier one). */
  putFindings(lens: StoredFinding['lens'], findings: readonly Finding[], received: string): number {
    const put = this.db.prepare('INSERT OR REPLACE INTO findings (id, lens, received, json) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const f of findings) put.run(f.id, lens, received, JSON.stringify(f));
    })();
    return findings.length;
  }

  findings(): StoredFinding[] {
    const rows = this.db.prepare('SELECT lens, received, json FROM findings ORDER BY id').all() as { lens: StoredFinding['lens']; received: string; json: string }[];
    return rows.map((r) => ({ lens: r.lens, received: r.received, finding: JSON.parse(r.json) as Finding }));
  }

  /** Observation digest buckets (replacing the saved ones with the same key). */
  putObservations(buckets: readonly { key: string; bucket: SavedBucket }[]): void {
    if (buckets.length === 0) return;
    const put = this.db.prepare('INSERT OR REPLACE INTO observations (key, json) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const b of buckets) put.run(b.key, JSON.stringify(b.bucket));
    })();
  }

  observations(): SavedBucket[] {
    const rows = this.db.prepare('SELECT json FROM observations ORDER BY key').all() as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as SavedBucket);
  }

  logAdmin(entry: AdminLogEntry): void {
    this.db.prepare('INSERT INTO admin_log (time, actor, action, detail) VALUES (?, ?, ?, ?)').run(entry.time, entry.actor, entry.action, JSON.stringify(entry.detail));
  }

  adminLog(): AdminLogEntry[] {
    const rows = this.db.prepare('SELECT time, actor, action, detail FROM admin_log ORDER BY seq').all() as { time: string; actor: string; action: string; detail: string }[];
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  close(): void {
    this.db.close();
  }
}
