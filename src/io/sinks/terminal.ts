/** Alerts for a person at a terminal: each alert as the table formatter draws it, a summary at close. */
import type { Alert } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { summaryLine, toTable } from '../format/table.js';
import type { TextOutput } from './output.js';
import type { Sink } from './types.js';

export class TerminalSink implements Sink {
  /** Counts only: a long follow must not keep every alert in memory for the summary. */
  private readonly counts = new Map<Severity, number>();
  private total = 0;

  constructor(
    private readonly out: TextOutput,
    private readonly colour = false,
  ) {}

  async write(alert: Alert): Promise<void> {
    this.total++;
    this.counts.set(alert.severity, (this.counts.get(alert.severity) ?? 0) + 1);
    const block = toTable([alert], { colour: this.colour });
    // toTable ends with a one-item summary; the running total is written once, at close.
    const summary = summaryLine([alert]) + '\n';
    await this.out.write(block.endsWith(summary) ? block.slice(0, -summary.length) : block);
  }

  private summary(): string {
    const parts = (['critical', 'high', 'medium', 'low', 'info'] as const).filter((s) => this.counts.has(s)).map((s) => `${this.counts.get(s)} ${s}`);
    return `${this.total} total: ${parts.join(', ')}`;
  }

  async sync(): Promise<void> {
    await this.out.sync?.();
  }

  async close(): Promise<void> {
    await this.out.write(this.total === 0 ? 'No alerts.\n' : this.summary() + '\n');
    await this.out.close();
  }
}
