import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshdAuditor } from '../src/audit/sshd/index.js';
import { parseSshdConfig } from '../src/audit/sshd/parse.js';
import { defaultConfig } from '../src/config/load.js';

/**
 * Real sshd_config files written by others. Each is audited on its own (Include targets are not
 * available, so includes are reported as problems), and must give what a reviewer reading the file
 * expects: the table below, one row per sample, every finding as rule@line:severity (line 0 = a
 * compiled-in default applies because the keyword is absent).
 */
const ROOT = resolve(process.cwd(), process.env.DRAWBRIDGE_REAL_DATA ?? '../shared/data/real', 'sshd-config');

const EXPECTED: Record<string, { findings: string[]; problemLines: number[]; why: string }> = {
  'openssh-portable': {
    why: 'upstream default: everything commented out, so PasswordAuthentication yes and PermitRootLogin prohibit-password apply',
    findings: [
      'sshd-password-auth@0:high',
      'sshd-root-login@0:low',
      'sshd-listen-all@0:low',
      'sshd-no-user-ca@0:info',
      'sshd-weak-algorithms@0:low',
      'sshd-terrapin-prone@0:low',
    ],
    problemLines: [],
  },
  'michaelkoch-dev-env-container': {
    why: 'dev container: PermitRootLogin yes, password login left at the default, listens on 0.0.0.0 and ::',
    findings: [
      'sshd-password-auth@0:high',
      'sshd-root-login@8:high',
      'sshd-listen-all@4:low',
      'sshd-listen-all@5:low',
      'sshd-no-user-ca@0:info',
      'sshd-weak-algorithms@0:low',
      'sshd-terrapin-prone@0:low',
    ],
    problemLines: [],
  },
  'goodguide-dockerfile-ssh-bastion': {
    why: 'bastion: root and password logins off; default algorithms; three deprecated keywords',
    findings: ['sshd-listen-all@0:low', 'sshd-no-user-ca@0:info', 'sshd-weak-algorithms@0:low', 'sshd-terrapin-prone@0:low'],
    problemLines: [23, 70, 99],
  },
  'grapheneos-infrastructure': {
    why: 'hardened: passwords off, AES-GCM only (no MAC negotiated, no Terrapin), ed25519 and ML-KEM; root keys allowed by default',
    findings: ['sshd-root-login@0:low', 'sshd-listen-all@0:low', 'sshd-no-user-ca@0:info'],
    problemLines: [2],
  },
};

const isolated = { config: defaultConfig(), readFile: () => undefined, glob: () => [] };

describe.skipIf(!existsSync(ROOT))('sshd_config conformance on real samples', () => {
  const samples = existsSync(ROOT) ? readdirSync(ROOT).sort() : [];

  it('every sample has an expectation row and every row a sample', () => {
    expect(samples).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of samples) {
    it(name, () => {
      const file = join(ROOT, name, 'sshd_config');
      const text = readFileSync(file, 'utf8');
      expect(sshdAuditor.recognise(text, file)).toBeGreaterThan(0);
      expect(() => parseSshdConfig(text, file, isolated)).not.toThrow();
      const result = sshdAuditor.audit(file, text, isolated);
      const got = result.findings.map((f) => `${f.rule}@${'line' in f.location ? f.location.line : '?'}:${f.severity}`).sort();
      const want = EXPECTED[name];
      expect(got).toEqual([...(want?.findings ?? [])].sort());
      expect(result.problems.map((p) => p.line)).toEqual(want?.problemLines);
      for (const f of result.findings) {
        expect(f.subTechnique).toBe('ssh-access');
        expect(f.location).toMatchObject({ file });
      }
    });
  }
});
