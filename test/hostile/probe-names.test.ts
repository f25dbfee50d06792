import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { runProbe } from '../../src/probe/scheduler.js';
import { ScopeError } from '../../src/probe/scope.js';
import { runCli } from '../helpers/cli.js';

// A plain TCP listener on loopback that counts who connects.
let server: net.Server;
let port = 0;
let connections = 0;
const open = new Set<net.Socket>();
beforeAll(async () => {
  server = net.createServer((s) => {
    connections++;
    open.add(s);
    s.on('error', () => undefined); // probes hang up abruptly
    s.on('close', () => open.delete(s));
    s.end('SSH-2.0-OpenSSH_9.6\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const s of open) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

const config = ConfigSchema.parse({ probe: { timeout: '2s', rate: 50 } });

describe('exclusions hold for targets given as names', () => {
  it('probe localhost:PORT --exclude 127.0.0.1 connects to nothing, says why, and logs the resolution', async () => {
    const before = connections;
    const log: string[] = [];
    const r = await runProbe([`localhost:${port}`], { config, exclude: ['127.0.0.1'], log: (m) => log.push(m) });
    expect(connections).toBe(before);
    expect(r.problems).toContainEqual({ target: 'localhost', message: 'not probed: resolves to 127.0.0.1, which is excluded' });
    expect(log).toContain('localhost resolves to 127.0.0.1');
  });

  it('the same name is probed when nothing excludes it', async () => {
    const before = connections;
    await runProbe([`localhost:${port}`], { config });
    expect(connections).toBeGreaterThan(before);
  });

  it('the address ceiling counts resolved addresses', async () => {
    const lookup = async () => ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
    const tight = ConfigSchema.parse({ probe: { maxAddresses: 2 } });
    await expect(runProbe([`many.example:${port}`], { config: tight, lookup })).rejects.toThrow(ScopeError);
  });

  it('--exclude takes one value, so a target after it is still a target', () => {
    const before = connections;
    const r = runCli(['probe', '--exclude', '127.0.0.1', `localhost:${port}`, '--format', 'json', '--no-history']);
    expect(r.stderr).not.toMatch(/no targets|missing required argument/i);
    expect(connections).toBe(before);
    expect(r.stdout + r.stderr).toMatch(/resolves to 127\.0\.0\.1, which is excluded/);
  });
});
