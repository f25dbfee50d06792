/**
 * One JSON document per alert and line: the alert as is (JSONL), an OCSF Detection Finding, or an ECS
 * alert document.
 */
import type { Alert } from '../../model/finding.js';
import { toEcsDocument } from '../format/ecs.js';
import { toOcsfRecord } from '../format/ocsf.js';
import type { TextOutput } from './output.js';
import type { Sink } from './types.js';

export type RecordFormat = 'jsonl' | 'ocsf' | 'ecs';

export interface RecordSinkOptions {
  /** Product version written into OCSF metadata. */
  version?: string;
  /** Clock for documents that need a render time (epoch ms). */
  now?: () => number;
}

export function recordFor(format: RecordFormat, alert: Alert, opts: RecordSinkOptions = {}): Record<string, unknown> | Alert {
  const now = (opts.now ?? Date.now)();
  switch (format) {
    case 'jsonl':
      return alert;
    case 'ocsf':
      return toOcsfRecord(alert, opts.version ?? '0.0.0', now);
    case 'ecs':
      return toEcsDocument(alert, now);
  }
}

export class RecordSink implements Sink {
  constructor(
    readonly format: RecordFormat,
    private readonly out: TextOutput,
    private readonly opts: RecordSinkOptions = {},
  ) {}

  async write(alert: Alert): Promise<void> {
    await this.out.write(JSON.stringify(recordFor(this.format, alert, this.opts)) + '\n');
  }

  async sync(): Promise<void> {
    await this.out.sync?.();
  }

  async close(): Promise<void> {
    await this.out.close();
  }
}
