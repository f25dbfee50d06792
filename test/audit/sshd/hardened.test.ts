import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogPath } from '../../../src/catalog/paths.js';
import { sshdAuditor } from '../../../src/audit/sshd/index.js';
import { memoryContext } from './memory-io.js';

describe('sshd hardened config', () => {
  it('gives no finding of any rule, and no problem', () => {
    const text = readFileSync(catalogPath('audit', 'sshd', 'sshd-password-auth', 'cases', 'hardened', 'input.sshd_config'), 'utf8');
    const result = sshdAuditor.audit('/etc/ssh/sshd_config', text, memoryContext());
    expect(result.findings).toEqual([]);
    expect(result.problems).toEqual([]);
  });
});
