/**
 * Syslog receivers for a detect run (`--syslog URL…`): each one's envelope lines become a named stream of
 * lines for the pipeline's sources stage; messages it rejects go to the dead-letter file.
 */
import { appendStateFile } from '../state-files.js';
import { SyslogReceiver, type SyslogListen, type SyslogReceiverOptions } from './syslog.js';
import type { NamedReceiver } from './syslog-report.js';

export interface ReceivedLines {
  /** Names the receiver in alert locations, e.g. "syslog+udp://127.0.0.1:5514". */
  name: string;
  lines: AsyncIterable<string>;
  /** Decoder id for the receiver's envelope lines. */
  format: string;
}

export interface Receivers {
  receivers: SyslogReceiver[];
  /** The receivers under their source names. */
  named: NamedReceiver[];
  sources: ReceivedLines[];
  /** Every receiver's lines have been read to their end (after close). */
  drained: Promise<void>;
  /** Close every receiver (once; later calls return the same promise). */
  close(): Promise<void>;
}

/** Receiver limits (buffers, connection caps, timeouts) shared by every receiver of a run. */
export type ReceiverLimits = Pick<SyslogReceiverOptions, 'udpReceiveBufferBytes' | 'maxConnections' | 'maxConnectionsPerSource' | 'frameTimeoutMs' | 'idleTimeoutMs'>;

/** Start one receiver per address; if one cannot listen, those started are closed and the error names the address. */
export async function startReceivers(
  listens: readonly SyslogListen[],
  allowRemote: boolean,
  deadLetter: string,
  onListening?: (name: string) => void,
  limits: ReceiverLimits = {},
): Promise<Receivers> {
  const receivers: SyslogReceiver[] = [];
  const sources: ReceivedLines[] = [];
  const named: NamedReceiver[] = [];
  const ends: Promise<void>[] = [];
  try {
    for (const listen of listens) {
      const r = await SyslogReceiver.start({
        ...limits,
        ...listen,
        allowNonLoopback: allowRemote,
        onReject: (x) =>
          appendStateFile(deadLetter, JSON.stringify({ source: `syslog+${x.transport}://${x.peer}`, reason: x.reason, text: x.text, received: new Date(x.received).toISOString() }) + '\n'),
      });
      receivers.push(r);
      const a = r.address;
      const name = `syslog+${listen.transport}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
      named.push({ name, receiver: r });
      onListening?.(name);
      let ended!: () => void;
      ends.push(new Promise((ok) => (ended = ok)));
      // The receiver's envelope lines are what the sshd decoder reads (unless the run names another format).
      sources.push({ name, lines: untilEnd(r.lines(), ended), format: 'sshd' });
    }
  } catch (e) {
    await Promise.all(receivers.map((r) => r.close()));
    throw new Error(`cannot listen: ${(e as Error).message}`, { cause: e });
  }
  let closing: Promise<void> | undefined;
  return {
    receivers,
    named,
    sources,
    drained: Promise.all(ends).then(() => undefined),
    // Once: a receiver's close is not idempotent.
    close: () => (closing ??= Promise.all(receivers.map((r) => r.close())).then(() => undefined)),
  };
}

async function* untilEnd<T>(it: AsyncIterable<T>, onEnd: () => void): AsyncGenerator<T> {
  try {
    yield* it;
  } finally {
    onEnd();
  }
}
