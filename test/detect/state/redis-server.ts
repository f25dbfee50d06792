import { rmSync } from 'node:fs';
import { freePort, have, launch, tempDir } from '../../probe/servers/launch.js';

export const HAVE_REDIS = have('redis-server');

export interface RedisServer {
  url: string;
  stop: () => Promise<void>;
}

/** A real redis-server on its own free loopback port, no persistence, data dir in a temp dir. */
export async function startRedis(): Promise<RedisServer> {
  const dir = tempDir('redis');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes', '--daemonize', 'no'];
  const running = await launch('redis-server', args, [port]);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
