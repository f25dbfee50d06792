/**
 * One unary gRPC call over cleartext HTTP/2 (prior knowledge, as gRPC servers without TLS expect), on a
 * socket the scheduler opened. Only the status is read: grpc-status from the trailers (or from the
 * headers of a trailers-only answer). The request message is empty, which protobuf reads as every field
 * at its default.
 */
import http2 from 'node:http2';
import type { Socket } from 'node:net';

export interface GrpcAnswer {
  httpStatus: number;
  contentType?: string;
  /** Absent when the server answered HTTP/2 but not gRPC. */
  grpcStatus?: number;
  grpcMessage?: string;
}

/** An empty protobuf message in gRPC's length-prefixed framing: not compressed, length 0. */
const EMPTY_MESSAGE = Buffer.alloc(5);

function header(h: http2.IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** grpc-message is percent-encoded; a malformed one is kept as sent. */
function percentDecoded(m: string): string {
  try {
    return decodeURIComponent(m);
  } catch {
    return m;
  }
}

/** Calls `path` ("/package.Service/Method"); undefined when no HTTP/2 answer came in time. */
export function grpcCall(socket: Socket, authority: string, path: string, timeoutMs: number): Promise<GrpcAnswer | undefined> {
  return new Promise((resolve) => {
    let done = false;
    let session: http2.ClientHttp2Session | undefined;
    const finish = (a: GrpcAnswer | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      session?.close();
      session?.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    try {
      session = http2.connect(`http://${authority}`, { createConnection: () => socket });
    } catch {
      finish(undefined);
      return;
    }
    session.on('error', () => finish(undefined));
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    let answer: GrpcAnswer | undefined;
    const readStatus = (h: http2.IncomingHttpHeaders): void => {
      const s = header(h, 'grpc-status');
      if (answer && s !== undefined && /^\d+$/.test(s)) {
        answer.grpcStatus = Number(s);
        const m = header(h, 'grpc-message');
        if (m !== undefined) answer.grpcMessage = percentDecoded(m);
      }
    };
    req.on('response', (h) => {
      answer = { httpStatus: Number(h[':status']) };
      const ct = header(h, 'content-type');
      if (ct !== undefined) answer.contentType = ct;
      readStatus(h);
    });
    req.on('trailers', readStatus);
    req.on('data', () => undefined);
    req.on('end', () => finish(answer));
    req.on('close', () => finish(answer));
    req.on('error', () => finish(answer));
    req.end(EMPTY_MESSAGE);
  });
}
