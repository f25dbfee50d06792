import { pushAll } from '../util/arrays.js';
/**
 * Collects emulated records per log file, orders them by event time and renders each file with its
 * header/footer lines, remembering on which line every planted record landed (for labels.json).
 */

/** What kind of log a file holds (documentation of the layout; decoders are chosen by sniffing). */
export type LogKind =
  | 'sshd-syslog'
  | 'sshd-journald'
  | 'aws-vpc-flow-v2'
  | 'aws-vpc-flow-v5-custom'
  | 'gcp-vpc-flow'
  | 'azure-nsg-flow-v2'
  | 'zeek-conn'
  | 'zeek-http'
  | 'zeek-ssh'
  | 'kubernetes-audit'
  | 'docker-events'
  | 'nginx-combined'
  | 'nginx-json'
  | 'alb-access';

/** A record's text may depend on its final position (journald cursors). */
type Text = string | ((index: number) => string);

interface Entry {
  time: number;
  seq: number;
  text: Text;
  mark?: string;
}

export interface FileLayout {
  /** Lines before the records; receives the first and last record times (µs). */
  header?: (first: number, last: number) => string[];
  footer?: (first: number, last: number) => string[];
  /** Appended to every record line but the last (JSON arrays spread over lines). */
  separator?: string;
}

export interface RenderedFile {
  path: string;
  kind: LogKind;
  text: string;
  records: number;
  /** Planted records: procedure id → 1-based line numbers and times (µs). */
  marks: Map<string, { line: number; time: number }[]>;
}

export class LogFile {
  private readonly entries: Entry[] = [];

  constructor(
    readonly path: string,
    readonly kind: LogKind,
    private readonly layout: FileLayout,
    private readonly nextSeq: () => number,
  ) {}

  add(time: number, text: Text, mark?: string): void {
    const e: Entry = { time, seq: this.nextSeq(), text };
    if (mark !== undefined) e.mark = mark;
    this.entries.push(e);
  }

  render(): RenderedFile {
    const sorted = [...this.entries].sort((a, b) => a.time - b.time || a.seq - b.seq);
    const first = sorted[0]?.time ?? 0;
    const last = sorted[sorted.length - 1]?.time ?? 0;
    const head = this.layout.header?.(first, last) ?? [];
    const foot = this.layout.footer?.(first, last) ?? [];
    const lines = [...head];
    const marks = new Map<string, { line: number; time: number }[]>();
    sorted.forEach((e, i) => {
      const text = typeof e.text === 'string' ? e.text : e.text(i);
      const sep = this.layout.separator !== undefined && i < sorted.length - 1 ? this.layout.separator : '';
      lines.push(text + sep);
      if (e.mark !== undefined) {
        const list = marks.get(e.mark) ?? [];
        list.push({ line: lines.length, time: e.time });
        marks.set(e.mark, list);
      }
    });
    pushAll(lines, foot);
    return { path: this.path, kind: this.kind, text: lines.join('\n') + '\n', records: sorted.length, marks };
  }
}

/** All files of one emulation, created on first use. */
export class Output {
  private readonly files = new Map<string, LogFile>();
  private seq = 0;

  file(path: string, kind: LogKind, layout: FileLayout = {}): LogFile {
    let f = this.files.get(path);
    if (!f) {
      f = new LogFile(path, kind, layout, () => this.seq++);
      this.files.set(path, f);
    }
    return f;
  }

  render(): RenderedFile[] {
    return [...this.files.values()].map((f) => f.render()).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
