/**
 * autocannon in a worker thread, so that the load generator does not share the server's event loop (a
 * webhook sender is another process): POSTs the bodies in turn and returns autocannon's result. It says
 * "ready" once loaded and waits for "go", so that starting it is not timed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

export interface PostJob {
  url: string;
  token: string;
  bodies: string[];
  connections: number;
  /** Requests per second over all connections; as fast as answered when absent. */
  rate?: number;
}

const job = workerData as PostJob;
let next = 0;
await new Promise<void>((go) => {
  parentPort!.once('message', () => go());
  parentPort!.postMessage('ready');
});
const result = await autocannon({
  url: job.url,
  connections: job.connections,
  amount: job.bodies.length,
  ...(job.rate ? { overallRate: job.rate } : {}),
  method: 'POST',
  headers: { authorization: `Bearer ${job.token}`, 'content-type': 'application/json' },
  requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: job.bodies[next++ % job.bodies.length]! }) }],
});
parentPort!.postMessage({ requests: result.requests.total, non2xx: result.non2xx });
