import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsSecurityGroupRules } from '../../src/audit/cloud/aws-sg.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/cli/errors.js';
import { maxOf, pushAll } from '../../src/util/arrays.js';

// Far past the ~100k arguments a call can take: the size a 200-fold security-group export reaches.
const HUGE = 300_000;

describe('input-sized arrays never become call arguments', () => {
  it('a security group with 300k ranges on one permission yields its rules', () => {
    const ranges = Array.from({ length: HUGE }, (_, i) => ({ CidrIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32` }));
    ranges.push({ CidrIp: '0.0.0.0/0' });
    const doc = { value: { SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: ranges }] }] }, lineOf: () => 1 };
    const rules = awsSecurityGroupRules(doc);
    expect(rules).toHaveLength(HUGE + 1);
    expect(rules.at(-1)?.sources).toEqual(['0.0.0.0/0']);
  });

  it('pushAll and maxOf take any length', () => {
    const big = Array.from({ length: HUGE }, (_, i) => i);
    expect(pushAll([-1], big)).toHaveLength(HUGE + 1);
    expect(maxOf(big)).toBe(HUGE - 1);
    expect(maxOf([], 7)).toBe(7);
  });
});

describe('drawbridge.yaml cannot expand without bound', () => {
  const laughs = (levels: number): string => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push(`organisation: { name: *a${levels - 1} }`);
    return lines.join('\n') + '\n';
  };

  it('a billion laughs is a config error naming the file, not a stack trace', () => {
    expect(() => parseConfig(laughs(9), 'drawbridge.yaml')).toThrow(UsageError);
    expect(() => parseConfig(laughs(9), 'drawbridge.yaml')).toThrow(/drawbridge\.yaml.*alias/i);
    const dir = mkdtempSync(join(tmpdir(), 'drawbridge-laughs-'));
    writeFileSync(join(dir, 'drawbridge.yaml'), laughs(9));
    expect(() => loadConfig(join(dir, 'drawbridge.yaml'))).toThrow(UsageError);
  });

  it('ordinary aliases still work', () => {
    const c = parseConfig('organisation: { allowedRanges: &r ["198.51.100.0/24"] }\nadvisories: *r\n', 'drawbridge.yaml');
    expect(c.advisories).toEqual(['198.51.100.0/24']);
  });
});
