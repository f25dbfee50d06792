import { describe, expect, it } from 'vitest';
import { parseConfig, defaultConfig } from '../../src/config/load.js';
import { CONFIG_TEMPLATE } from '../../src/cli/init.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { parseDuration } from '../../src/config/duration.js';

describe('drawbridge.yaml', () => {
  it('the template written by `drawbridge init` is valid and gives the documented values', () => {
    const c = parseConfig(CONFIG_TEMPLATE, 'drawbridge.yaml');
    // The values written are the defaults the README documents: an untouched file changes nothing.
    expect(c).toEqual(defaultConfig());
    expect(c.detect.learningPeriod).toBe(0);
    expect(c.detect.followWindow).toBe(300_000);
    expect(c.probe.timeout).toBe(5000);
    expect(c.failOn).toBe('high');
    expect(c.organisation.internalRanges).toContain('10.0.0.0/8');
  });

  it('the template names every key of the schema, so that users find store and advisories too', () => {
    const keys = (shape: Record<string, unknown>, prefix = ''): string[] =>
      Object.entries(shape).flatMap(([k, v]) => {
        let inner = v as { def?: { innerType?: unknown }; shape?: Record<string, unknown> };
        while (inner.def?.innerType && !inner.shape) inner = inner.def.innerType as typeof inner;
        return inner.shape && k !== 'managementPorts' ? keys(inner.shape, `${prefix}${k}.`) : [`${prefix}${k}`];
      });
    for (const key of keys(ConfigSchema.shape)) {
      const last = key.split('.').pop()!;
      expect(CONFIG_TEMPLATE, key).toMatch(new RegExp(`^\\s*#?\\s*${last}:`, 'm'));
    }
  });

  it('defaults apply to an empty file', () => {
    expect(parseConfig('', 'x.yaml')).toEqual(defaultConfig());
  });

  it('names the key and the line of a bad value', () => {
    const text = 'organisation:\n  allowedRanges:\n    - 198.51.100.0/24\n    - not-a-range\n';
    expect(() => parseConfig(text, 'd.yaml')).toThrow(/d\.yaml:4: organisation\.allowedRanges\.1: expected an IP address or CIDR/);
  });

  it('rejects unknown keys with their line', () => {
    expect(() => parseConfig('detect:\n  learnngPeriod: 3d\n', 'd.yaml')).toThrow(/d\.yaml:2: detect\.learnngPeriod: unknown key/);
  });

  it('suggests the closest known key for an unknown one, at any depth', () => {
    expect(() => parseConfig('detect:\n  learnngPeriod: 3d\n', 'd.yaml')).toThrow(/detect\.learnngPeriod: unknown key \(did you mean learningPeriod\?\)/);
    expect(() => parseConfig('failon: high\n', 'd.yaml')).toThrow(/failon: unknown key \(did you mean failOn\?\)/);
    expect(() => parseConfig('organisation:\n  allowedRange: []\n', 'd.yaml')).toThrow(/allowedRange: unknown key \(did you mean allowedRanges\?\)/);
    // Nothing close: no guess.
    expect(() => parseConfig('colourScheme: dark\n', 'd.yaml')).toThrow(/colourScheme: unknown key$/);
  });

  it('rejects malformed durations and YAML syntax errors with a line', () => {
    expect(() => parseConfig('probe:\n  timeout: soon\n', 'd.yaml')).toThrow(/d\.yaml:2: probe\.timeout: expected a duration/);
    expect(() => parseConfig('a: [1,\n', 'd.yaml')).toThrow(/d\.yaml:\d+: invalid YAML/);
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['250ms', 250],
    [12, 12_000],
    ['12', 12_000],
  ] as const)('%s', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', 'x', '5 minutes', '5m junk', '-3s'])('rejects %j', (input) => expect(parseDuration(input)).toBeUndefined());
});

describe('flag overrides', () => {
  it('set keys before validation and errors name the flag', async () => {
    const { configOverrides } = await import('../../src/cli/config-flags.js');
    const o = configOverrides({ learningPeriod: '3d', allow: ['198.51.100.0/24'], orgAsn: ['AS64500'], managementPort: ['ssh=2200'] }, 'detect');
    const c = parseConfig('organisation:\n  allowedRanges: [203.0.113.0/24]\n', 'd.yaml', o);
    expect(c.detect.learningPeriod).toBe(3 * 86_400_000);
    expect(c.organisation.allowedRanges).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(c.organisation.asns).toEqual([64500]);
    expect(c.managementPorts).toEqual({ ssh: [2200] });
    expect(() => parseConfig('', 'd.yaml', configOverrides({ learningPeriod: 'soon' }, 'detect'))).toThrow(/^--learning-period: expected a duration/);
    expect(() => configOverrides({ rate: 'fast' }, 'probe')).toThrow(/--rate: expected a number/);
    // Flags of another lens are not read.
    expect(configOverrides({ rate: '5' }, 'audit')).toEqual([]);
  });
});
