/**
 * How the syslog receivers of a run fared: one summary line each for standard error, and the same
 * counts as Prometheus metrics in a file (the text format node_exporter's textfile collector reads),
 * rewritten while the run lasts and once at its end.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { Gauge } from 'prom-client';
import type { SyslogReceiver, SyslogStats } from './syslog.js';

export interface NamedReceiver {
  name: string;
  receiver: SyslogReceiver;
}

/** Where a kernel drop count comes from, in words. */
function dropSource(st: SyslogStats): string {
  return st.kernelDropsScope === 'host' ? 'host-wide Udp RcvbufErrors over the run, every UDP socket of the host counts' : "this socket's kernel counter";
}

/** `syslog udp: 9 messages, 9 accepted, 0 rejected (0 dropped while busy); 3 dropped by the kernel (…)`. */
export function receiverSummary(transport: string, st: SyslogStats): string {
  let line = `syslog ${transport}: ${st.received} messages, ${st.accepted} accepted, ${st.rejected} rejected (${st.dropped} dropped while busy)`;
  if (transport === 'udp') {
    const buffer = st.receiveBufferBytes !== undefined ? `, receive buffer ${st.receiveBufferBytes} bytes` : '';
    line +=
      st.kernelDrops === undefined
        ? `; kernel drops cannot be measured on this system${buffer}`
        : `; ${st.kernelDrops} dropped by the kernel (receive buffer full; ${dropSource(st)}${buffer})`;
  }
  if (transport === 'tcp') {
    line += `; ${st.connections} connections, ${st.refusedConnections} refused, ${st.evictedConnections} closed to make room, ${st.timedOut} timed out mid-message`;
  }
  return line;
}

/** The receivers' counts as Prometheus text. */
export async function receiverMetrics(receivers: readonly NamedReceiver[]): Promise<string> {
  // Loaded here, not with the module: only a run with --metrics-file pays for it.
  const { Gauge, Registry } = await import('prom-client');
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = ['receiver']): Gauge => new Gauge({ name, help, labelNames, registers: [registry] });
  const messages = gauge('drawbridge_syslog_messages', 'Syslog messages received, by outcome (accepted, rejected, dropped_busy).', ['receiver', 'outcome']);
  const kernel = gauge('drawbridge_syslog_kernel_drops', 'UDP datagrams the kernel dropped before they were read (scope: socket, or host for every UDP socket).', ['receiver', 'scope']);
  const buffer = gauge('drawbridge_syslog_receive_buffer_bytes', 'UDP receive buffer granted by the kernel.');
  const connections = gauge('drawbridge_syslog_connections', 'TCP connections, by outcome (accepted, refused, evicted, timed_out).', ['receiver', 'outcome']);
  for (const { name, receiver } of receivers) {
    const st = receiver.sampleStats();
    messages.set({ receiver: name, outcome: 'accepted' }, st.accepted);
    messages.set({ receiver: name, outcome: 'rejected' }, st.rejected - st.dropped);
    messages.set({ receiver: name, outcome: 'dropped_busy' }, st.dropped);
    if (receiver.transport === 'udp') {
      if (st.kernelDrops !== undefined) kernel.set({ receiver: name, scope: st.kernelDropsScope ?? 'socket' }, st.kernelDrops);
      if (st.receiveBufferBytes !== undefined) buffer.set({ receiver: name }, st.receiveBufferBytes);
    } else {
      connections.set({ receiver: name, outcome: 'accepted' }, st.connections);
      connections.set({ receiver: name, outcome: 'refused' }, st.refusedConnections);
      connections.set({ receiver: name, outcome: 'evicted' }, st.evictedConnections);
      connections.set({ receiver: name, outcome: 'timed_out' }, st.timedOut);
    }
  }
  return registry.metrics();
}

/** Replace `path` with the metrics, whole (written beside it, then renamed), so a reader never sees half a file. */
export async function writeReceiverMetrics(path: string, receivers: readonly NamedReceiver[]): Promise<void> {
  const text = await receiverMetrics(receivers);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
}
