/** `drawbridge surface`: the management surface detect works with — configured, inventoried, learned — and why. */
import type { Command } from 'commander';
import { listSurface, surfaceTable } from '../surface/list.js';
import { withStateStore } from '../detect/state/index.js';
import { storeOptions, type StoreFlags } from './baseline.js';
import { collect, resolveConfig } from './common.js';
import { inventoryEndpoints } from './detect.js';
import { UsageError } from './errors.js';

export function registerSurface(program: Command): void {
  storeOptions(
    program
      .command('surface')
      .description('list the management surface: endpoints from drawbridge.yaml, audit/probe inventories and what detect learned from the logs, with why')
      .option('--inventory <file>', 'also read "drawbridge probe|audit … --format json" output; repeatable', collect)
      .option('-f, --format <format>', 'table|json (default: table on a terminal, json otherwise)'),
  ).action(async (flags: StoreFlags & { inventory?: string[]; format?: string }) => {
    const config = resolveConfig(flags);
    const format = flags.format ?? (process.stdout.isTTY ? 'table' : 'json');
    if (format !== 'table' && format !== 'json') throw new UsageError(`--format: expected table or json (got "${format}")`);
    const inventory = await inventoryEndpoints(flags.inventory ?? []);
    const listing = withStateStore(config, false, (store) => listSurface(config, inventory, store));
    process.stdout.write(format === 'table' ? surfaceTable(listing) : JSON.stringify({ surface: listing }, null, 2) + '\n');
  });
}
