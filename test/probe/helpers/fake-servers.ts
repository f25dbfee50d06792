import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';

export interface Running {
  port: number;
  close: () => Promise<void>;
}

function listen(server: Server, sockets: Set<Socket>): Promise<Running> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Accepts connections and never says anything. */
export function startSilentServer(): Promise<Running> {
  const sockets = new Set<Socket>();
  return listen(createServer(), sockets);
}

/** A plain HTTP server (does not speak first; answers 400 to an SSH identification line). */
export function startHttpServer(): Promise<Running> {
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello\n');
  });
  return listen(server, sockets);
}

/** Writes `greeting` on connect, then hangs up after `closeAfterMs`. */
export function startScriptedServer(greeting: Buffer, closeAfterMs = 300): Promise<Running> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    s.write(greeting);
    setTimeout(() => s.end(), closeAfterMs);
  });
  return listen(server, sockets);
}

/** Encode a KEXINIT binary packet (unencrypted framing, 8-byte aligned padding). */
export function kexinitPacket(lists: string[][], firstKexFollows = false): Buffer {
  const parts: Buffer[] = [Buffer.from([20]), Buffer.alloc(16, 7)];
  for (const l of lists) {
    const s = Buffer.from(l.join(','), 'latin1');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(s.length);
    parts.push(len, s);
  }
  parts.push(Buffer.from([firstKexFollows ? 1 : 0, 0, 0, 0, 0]));
  const payload = Buffer.concat(parts);
  let pad = 8 - ((payload.length + 5) % 8);
  if (pad < 4) pad += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length + pad + 1);
  head[4] = pad;
  return Buffer.concat([head, payload, Buffer.alloc(pad)]);
}
