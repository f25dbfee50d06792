import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { toTable, wantColour } from '../io/format/table.js';
import { compareFindings } from '../model/finding.js';
import { atLeast } from '../model/severity.js';
import { printDetectSummary } from './detect.js';
import { observationLine } from '../detect/observations.js';
import { EXIT_OK } from './common.js';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));

/** The README's first command: audit the bundled configs and watch the bundled log, on fresh SQLite state. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('audit the bundled sshd configs and run detect over the bundled sshd log (fresh SQLite state)')
    .action(async () => {
      const { auditPaths } = await import('../audit/engine.js');
      const { runDetect } = await import('../detect/pipeline/index.js');
      const config = loadConfig(join(SAMPLES, 'drawbridge.yaml'));
      const colour = wantColour(process.stdout);
      const say = (s: string): boolean => process.stdout.write(s);
      const stateDir = mkdtempSync(join(tmpdir(), 'drawbridge-demo-'));
      config.stateDir = stateDir;
      try {
        say(`\n== drawbridge audit samples/sshd  (what the configuration allows)\n\n`);
        const audit = await auditPaths([join(SAMPLES, 'sshd')], { config });
        say(toTable([...audit.findings].sort(compareFindings), { colour }));
        say(`\n== drawbridge detect samples/logs/auth.log  (who comes in; learning period ${config.detect.learningPeriod / 86_400_000} days, state in SQLite)\n\n`);
        const detect = await runDetect([join(SAMPLES, 'logs', 'auth.log')], { config });
        say(toTable(detect.alerts, { colour }));
        // Internet scanners and failed brute force are no alerts: they are digested per service and day.
        if (detect.observations.length > 0) say(`\nObservations (first-seen sources that did nothing else; not alerts):\n`);
        for (const o of detect.observations) say(`  ${observationLine(o)}\n`);
        for (const inc of detect.incidents.filter((i) => atLeast(i.severity, 'medium'))) {
          say(`\nincident ${inc.id} (${inc.severity}${inc.fullChain ? ', full chain' : ''}): ${inc.title}\n`);
          for (const step of inc.timeline) say(`  ${step.time}  ${step.stage.padEnd(10)} ${step.rule.padEnd(24)} ${step.title}\n`);
        }
        printDetectSummary(detect, undefined);
        say(`\nTry: drawbridge audit samples/sshd --format sarif, drawbridge detect samples/logs/auth.log --format json\n`);
      } finally {
        rmSync(stateDir, { recursive: true, force: true });
      }
      process.exitCode = EXIT_OK;
    });
}
