/** The server's Prometheus metrics (`/metrics`), in a registry of its own. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DetectProgress } from '../detect/engine.js';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly recordsIn = new Counter({ name: 'drawbridge_ingest_records_total', help: 'Records accepted into the ingest spool, by format.', labelNames: ['format'], registers: [this.registry] });
  readonly batchesRefused = new Counter({ name: 'drawbridge_ingest_refused_total', help: 'Ingest requests refused, by reason (backpressure, invalid, too_large).', labelNames: ['reason'], registers: [this.registry] });
  readonly recordsProcessed = new Gauge({ name: 'drawbridge_detect_records', help: 'Records read by detection since the server started (spool, followed files, syslog).', registers: [this.registry] });
  readonly rejected = new Counter({ name: 'drawbridge_detect_rejected_total', help: 'Records no decoder could read, kept in <stateDir>/dead-letter.jsonl.', registers: [this.registry] });
  readonly late = new Counter({ name: 'drawbridge_detect_late_total', help: 'Events that arrived after event time had moved past them by more than detect.outOfOrderness (processed, out of order).', registers: [this.registry] });
  readonly alerts = new Counter({ name: 'drawbridge_alerts_total', help: 'Alerts committed, by rule and severity.', labelNames: ['rule', 'severity'], registers: [this.registry] });
  readonly ingestSeconds = new Histogram({
    name: 'drawbridge_ingest_request_seconds',
    help: 'Time from receiving an ingest request to its durable acceptance.',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly alertLatency = new Histogram({
    name: 'drawbridge_alert_latency_seconds',
    help: 'Time from the ingest request that carried a record to the committed alert it raised.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly queueBytes = new Gauge({ name: 'drawbridge_ingest_queue_bytes', help: 'Bytes accepted but not yet processed by detection.', registers: [this.registry] });
  readonly spoolBytes = new Gauge({ name: 'drawbridge_ingest_spool_bytes', help: 'Size of the ingest spool files.', registers: [this.registry] });
  readonly syslogMessages = new Gauge({ name: 'drawbridge_syslog_messages', help: 'Syslog messages per receiver since the server started, by outcome (accepted, rejected, dropped).', labelNames: ['receiver', 'outcome'], registers: [this.registry] });
  readonly sseClients = new Gauge({ name: 'drawbridge_stream_clients', help: 'Open alert streams.', registers: [this.registry] });
  readonly detectErrors = new Counter({ name: 'drawbridge_detect_errors_total', help: 'Times detection stopped on an error.', registers: [this.registry] });

  /** Fold one batch's progress (totals since the run started) into the counters. */
  progress(before: DetectProgress, now: DetectProgress): void {
    this.recordsProcessed.set(now.records);
    if (now.rejected > before.rejected) this.rejected.inc(now.rejected - before.rejected);
    if (now.late > before.late) this.late.inc(now.late - before.late);
  }
}
