import { describe, expect, it } from 'vitest';
import { buildScenario } from '../../src/emulate/scenario.js';
import { parseConfig } from '../../src/config/load.js';
import { networkOf } from '../../src/intel/ranges.js';
import { decodeText, lines } from './helpers.js';

const FLOW_KINDS = new Set(['aws-vpc-flow-v2', 'aws-vpc-flow-v5-custom', 'gcp-vpc-flow', 'azure-nsg-flow-v2', 'zeek-conn']);

/** A regex that finds `ip` as a whole address (not inside a longer one). */
function addressPattern(ip: string): RegExp {
  const e = ip.replace(/[.:]/g, (c) => `\\${c}`);
  return ip.includes(':') ? new RegExp(`(?<![0-9a-fA-F:])${e}(?![0-9a-fA-F])`) : new RegExp(`(?<![0-9.])${e}(?![0-9]|\\.[0-9])`);
}

describe.each([1, 2, 3])('labels.json (seed %i)', (seed) => {
  const s = buildScenario({ seed });
  const { labels } = s;
  const byPath = new Map(s.files.map((f) => [f.path, f]));

  it('names every file with its record count, and the learning period the config uses', () => {
    expect(labels.files.map((f) => f.path)).toEqual(s.files.map((f) => f.path));
    for (const f of labels.files) expect(f.records).toBe(byPath.get(f.path)?.records);
    const config = parseConfig(s.config, 'drawbridge.yaml');
    expect(config.detect.learningPeriod).toBe(labels.learningPeriodMs);
    expect(config.organisation.allowedRanges).toEqual(['198.51.100.0/24', '2001:db8::/32']);
    expect(Date.parse(labels.learningEnd) - Date.parse(labels.start)).toBe(labels.learningPeriodMs);
  });

  it('plants one or more procedures per sub-technique, after the learning period, with distinct new sources', () => {
    expect(new Set(labels.procedures.map((p) => p.subTechnique))).toEqual(new Set(['exposed-gateway', 'exposed-kubernetes-api', 'ssh-access', 'unauthenticated-admin-interface']));
    const ranges = labels.procedures.map((p) => p.sourceRange);
    expect(new Set(ranges).size).toBe(ranges.length);
    for (const p of labels.procedures) {
      expect(p.sourceRange).toBe(networkOf(p.source, 24, 48));
      expect(Date.parse(p.window.start)).toBeGreaterThanOrEqual(Date.parse(labels.learningEnd));
      expect(Date.parse(p.window.end)).toBeGreaterThanOrEqual(Date.parse(p.window.start));
      expect(Date.parse(p.window.end)).toBeLessThanOrEqual(Date.parse(labels.end));
      expect(p.expected).toContain('DS0029');
    }
  });

  it('points at real planted lines, each within its window', () => {
    for (const p of labels.procedures) {
      expect(p.records.length).toBeGreaterThan(1);
      const pattern = addressPattern(p.source);
      for (const r of p.records) {
        const file = byPath.get(r.file);
        expect(file, r.file).toBeDefined();
        const text = lines(file?.text ?? '')[r.line - 1] ?? '';
        // Docker events name the container, not the client: they are tied by time and action.
        if (file?.kind === 'docker-events') expect(text).toMatch(/"Action":"(create|start)"/);
        else expect(text, `${p.id} ${r.file}:${r.line}`).toMatch(pattern);
        const t = Date.parse(r.time);
        expect(t).toBeGreaterThanOrEqual(Date.parse(p.window.start));
        expect(t).toBeLessThanOrEqual(Date.parse(p.window.end));
      }
      // The chain: a flow record, then the service's own record(s).
      expect(p.records.some((r) => FLOW_KINDS.has(byPath.get(r.file)?.kind ?? ''))).toBe(true);
      expect(p.records.some((r) => !FLOW_KINDS.has(byPath.get(r.file)?.kind ?? ''))).toBe(true);
    }
  });

  it('labels every line that mentions a planted source (nothing of the attack is left unlabelled)', () => {
    for (const p of labels.procedures) {
      const pattern = addressPattern(p.source);
      const labelled = new Set(p.records.map((r) => `${r.file}:${r.line}`));
      for (const f of s.files) {
        lines(f.text).forEach((l, i) => {
          if (!pattern.test(l)) return;
          expect(labelled.has(`${f.path}:${i + 1}`), `${p.id}: unlabelled ${f.path}:${i + 1}: ${l.slice(0, 160)}`).toBe(true);
        });
      }
    }
  });

  it('planted lines decode to events from the planted source', () => {
    for (const p of labels.procedures) {
      const files = new Set(p.records.map((r) => r.file));
      const events = [...files].flatMap((path) => {
        const f = byPath.get(path);
        return f ? decodeText(f.path, f.text).events : [];
      });
      const fromSource = events.filter((e) => e.src === p.source);
      expect(fromSource.some((e) => e.kind === 'flow' && e.action === 'accept'), p.id).toBe(true);
      expect(fromSource.some((e) => e.kind !== 'flow'), p.id).toBe(true);
    }
  });
});
