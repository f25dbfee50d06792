import type { Command } from 'commander';
import { parsePortList, ScopeError } from '../probe/scope.js';
import { addCommonOptions, applyAdvisoryDirs, collect, emit, outputFormat, resolveConfig, type CommonOptions } from './common.js';
import { UsageError } from '../model/errors.js';
import { warn } from './warn.js';

interface ProbeFlags extends CommonOptions {
  ports?: string;
  exclude?: string[];
  tryDefaultCredentials?: boolean;
  verbose?: boolean;
  history?: boolean;
  save?: boolean;
}

function progressBar(done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / Math.max(1, total)) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} endpoints`);
  if (done === total) process.stderr.write('\n');
}

export function registerProbe(program: Command): void {
  addCommonOptions(
    program
      .command('probe')
      .description('check, from outside and read-only, what each target really exposes (only the targets given are touched)')
      .argument('<target...>', 'host, host:port, [v6]:port or CIDR range, by IP literal or name')
      .option('-p, --ports <list>', 'ports for targets without one, e.g. 22,2200-2210 (default: the catalogue of management ports)')
      .option('--exclude <target>', 'an address or range never to touch; repeatable', collect)
      .option('--try-default-credentials', 'try the vendor default credentials listed in the catalogue (each attempt logged)')
      .option('-v, --verbose', 'log each authentication question asked and why ports were not identified')
      .option('--save', 'keep the management endpoints found in the state folder, for detect and "drawbridge surface" (replaces the last saved probe of the same targets)')
      .option('--no-history', 'do not record this run in <state-dir>/probe.db nor compare it with the last run over the same scope'),
    'probe',
  ).action(async (targets: string[], flags: ProbeFlags) => {
    const config = resolveConfig(flags, 'probe');
    const format = outputFormat(flags, 'probe');
    let ports: number[] | undefined;
    try {
      ports = flags.ports !== undefined ? parsePortList(flags.ports) : undefined;
    } catch (e) {
      throw new UsageError(`--ports: ${(e as Error).message}`);
    }
    const log = (m: string): void => void warn(`${m}`);
    await applyAdvisoryDirs(config);
    const { runProbe, catalogPorts } = await import('../probe/scheduler.js');
    let result;
    try {
      result = await runProbe(targets, {
        config,
        ports,
        exclude: flags.exclude,
        ...(flags.tryDefaultCredentials ? { tryDefaultCredentials: true } : {}),
        ...(process.stderr.isTTY ? { onProgress: progressBar } : {}),
        ...(flags.verbose || flags.tryDefaultCredentials ? { log } : {}),
      });
    } catch (e) {
      if (e instanceof ScopeError) throw new UsageError(e.message);
      throw e;
    }
    for (const p of result.problems) warn(`${p.target}: ${p.message}`);
    if (flags.verbose) {
      for (const o of result.observations) {
        if (o.outcome !== 'identified') warn(`${o.endpoint.host}:${o.endpoint.port}: ${o.outcome}: ${(o.notes ?? []).join('; ')}`);
      }
    }
    let changes;
    if (flags.history !== false) {
      const { formatChanges, recordProbeRun } = await import('../probe/history.js');
      const h = recordProbeRun(config.stateDir, { targets, ports: ports ?? catalogPorts(config), exclude: flags.exclude }, result.observations);
      if ('error' in h) warn(`${h.error}`);
      else {
        for (const p of h.problems) warn(`${p}`);
        changes = h.changes;
        if (format === 'table') for (const line of formatChanges(changes)) warn(`${line}`);
      }
    }
    if (flags.save) {
      const { saveRun } = await import('./save.js');
      saveRun(config, 'probe', targets, result.findings, result.observations);
    }
    const services = result.observations.map((o) => ({
      host: o.endpoint.host,
      port: o.endpoint.port,
      outcome: o.outcome,
      service: o.service,
      product: o.product,
      version: o.version,
      auth: o.auth,
      ...(o.tls ? { tls: o.tls } : {}),
    }));
    process.exitCode = emit('probe', result.findings, format, config.failOn, format === 'json' ? { services, problems: result.problems, ...(changes ? { changes } : {}) } : undefined);
  });
}
