/**
 * syslog/udp — the highest rate of RFC 5424 datagrams on loopback that a receiver takes without
 * losing one, for Drawbridge's UDP syslog receiver (parsing every message into the envelope lines the
 * decoders read) and for the floor: a plain Node dgram socket that only counts messages, with the same
 * receive buffer. Rates double from --from until a step loses datagrams; each step sends for --seconds
 * from a worker thread, paced every 5 ms. Loss = sent − received once the socket is idle.
 * receiver/floor = the fraction of the floor's lossless rate the receiver keeps.
 * Usage: npx tsx bench/syslog-udp.ts [--quick] [--from N] [--seconds N] [--max N]
 */
import { createSocket, type Socket } from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { SyslogReceiver } from '../src/io/sources/syslog.js';
import { intFlag, machineInfo, parseFlags, printMachine, printTable, round, writeResult } from './lib/common.js';

const BUFFER = 8 * 1024 * 1024;
const MESSAGE = '<38>1 2025-03-04T09:15:02.000Z web1 sshd 2211 - - Accepted publickey for alice from 198.51.100.7 port 50522 ssh2: ED25519 SHA256:Xy0m0r8Qk1tWw3yq5o1y2G9mB6k3p7Q2r4s5t6u7v8w';

interface SendTask {
  port: number;
  rate: number;
  seconds: number;
  message: string;
}

/**
 * The sender, run as a worker thread (plain JavaScript, so that it needs no TypeScript loader): sends
 * `rate` datagrams a second for `seconds`, paced every 5 ms, and posts how many the kernel took.
 */
const SENDER = `
const { createSocket } = require('node:dgram');
const { parentPort, workerData: t } = require('node:worker_threads');
const sock = createSocket('udp4');
const total = t.rate * t.seconds;
const start = performance.now();
let queued = 0;
let sent = 0;
const tick = () => {
  const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * t.rate));
  for (; queued < due; queued++) sock.send(t.message, t.port, '127.0.0.1', (e) => { if (!e) sent++; });
  if (queued < total) setTimeout(tick, 5);
  else setTimeout(() => { sock.close(); parentPort.postMessage(sent); }, 200);
};
tick();
`;

interface Receiver {
  port: number;
  received(): number;
  close(): Promise<void>;
}

async function floorReceiver(): Promise<Receiver> {
  const sock: Socket = createSocket({ type: 'udp4', recvBufferSize: BUFFER });
  let n = 0;
  sock.on('message', () => void n++);
  await new Promise<void>((ok) => sock.bind(0, '127.0.0.1', () => ok()));
  return { port: sock.address().port, received: () => n, close: () => new Promise((ok) => sock.close(() => ok())) };
}

async function drawbridgeReceiver(): Promise<Receiver> {
  const r = await SyslogReceiver.start({ transport: 'udp', host: '127.0.0.1', port: 0, udpReceiveBufferBytes: BUFFER });
  let n = 0;
  const reading = (async () => {
    for await (const line of r.lines()) if (line.length > 0) n++;
  })();
  return {
    port: r.address.port,
    received: () => n,
    close: async () => {
      await r.close();
      await reading;
    },
  };
}

async function step(make: () => Promise<Receiver>, rate: number, seconds: number): Promise<{ sent: number; received: number }> {
  const rx = await make();
  const worker = new Worker(SENDER, { eval: true, workerData: { port: rx.port, rate, seconds, message: MESSAGE } satisfies SendTask });
  const sent = await new Promise<number>((ok, fail) => {
    worker.once('message', ok);
    worker.once('error', fail);
  });
  // Idle: nothing more arrives for 300 ms.
  let last = -1;
  while (rx.received() !== last) {
    last = rx.received();
    await new Promise((ok) => setTimeout(ok, 300));
  }
  const received = rx.received();
  await rx.close();
  return { sent, received };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const from = intFlag(flags, 'from', 5_000);
  const max = intFlag(flags, 'max', flags.quick ? 40_000 : 320_000);
  const seconds = intFlag(flags, 'seconds', flags.quick ? 1 : 3);
  const machine = machineInfo();
  printMachine(machine);
  const variants = { 'dgram floor': floorReceiver, 'drawbridge receiver': drawbridgeReceiver } as const;
  const best: Record<string, number> = {};
  const steps: { variant: string; rate: number; sent: number; received: number; lost: number }[] = [];
  for (const [variant, make] of Object.entries(variants)) {
    best[variant] = 0;
    for (let rate = from; rate <= max; rate *= 2) {
      const r = await step(make, rate, seconds);
      const lost = r.sent - r.received;
      steps.push({ variant, rate, ...r, lost });
      console.log(`  ${variant} @ ${rate.toLocaleString('en-US')}/s: sent ${r.sent}, received ${r.received}, lost ${lost}`);
      if (lost > 0) break;
      best[variant] = rate;
    }
  }
  const ratio = round(best['drawbridge receiver']! / best['dgram floor']!, 2);
  console.log('');
  printTable([['receiver', 'highest lossless rate (msg/s)'], ...Object.entries(best).map(([k, v]) => [k, v])]);
  console.log(`\nreceiver / floor: ${ratio}${best['dgram floor'] === max ? ` (the floor reached --max ${max}; raise it)` : ''}`);
  const file = writeResult('syslog-udp', { bench: 'syslog-udp', date: new Date().toISOString(), machine, seconds, buffer: BUFFER, steps, best, ratio });
  console.log(`wrote ${file}`);
}

await main();
