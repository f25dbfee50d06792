import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareDpkg, compareOpenSsh, comparatorFor, parseDpkgVersion, parseOpenSshVersion } from '../../src/intel/versions.js';

const sign = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.sign(n));

describe('OpenSSH versions', () => {
  it.each([
    ['9.8p1', '9.7p1', 1],
    ['9.8p1', '9.8p1', 0],
    ['9.3p2', '9.3p1', 1],
    ['10.0p1', '9.9p2', 1],
    ['8.5p1', '8.10p1', -1],
    ['9.8', '9.8p1', 0],
    ['9.8p1-hpn14v15', '9.8p1', 0],
    ['4.3p2', '4.4p1', -1],
  ])('%s vs %s', (a, b, want) => {
    expect(sign(compareOpenSsh(a, b))).toBe(want);
  });

  it('refuses what is not an OpenSSH version', () => {
    expect(compareOpenSsh('abc', '9.8p1')).toBeUndefined();
    expect(parseOpenSshVersion('')).toBeUndefined();
    expect(parseOpenSshVersion('9')).toBeUndefined();
  });
});

describe('dpkg versions', () => {
  it.each([
    ['1:9.2p1-2+deb12u3', '1:9.2p1-2+deb12u2', 1],
    ['1:9.2p1-2+deb12u10', '1:9.2p1-2+deb12u3', 1],
    ['1:8.9p1-3ubuntu0.6', '1:8.9p1-3ubuntu0.10', -1],
    ['1:9.2p1-2', '1:9.2p1-2+deb12u3', -1],
    ['1.0~rc1', '1.0', -1],
    ['1:1.0', '2.0', 1],
    ['0:1.0', '1.0', 0],
    ['1.0+b1', '1.0', 1],
    ['1.0~~', '1.0~', -1],
    ['1.2.3', '1.2.3-0', 0],
  ])('%s vs %s', (a, b, want) => {
    expect(sign(compareDpkg(a, b))).toBe(want);
  });

  it('splits epoch, upstream and revision', () => {
    expect(parseDpkgVersion('1:9.2p1-2+deb12u3')).toEqual({ epoch: 1, upstream: '9.2p1', revision: '2+deb12u3' });
    expect(parseDpkgVersion('x:1')).toBeUndefined();
    expect(parseDpkgVersion('1 2')).toBeUndefined();
  });

  it('is antisymmetric and never throws on random strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const x = compareDpkg(a, b);
        const y = compareDpkg(b, a);
        if (x === undefined) expect(y).toBeUndefined();
        else expect(sign(x)).toBe(-(sign(y) as number) || 0);
        compareOpenSsh(a, b);
      }),
    );
  });
});

it('picks a comparator per ecosystem', () => {
  expect(comparatorFor('Debian:12', 'openssh')).toBe(compareDpkg);
  expect(comparatorFor('Ubuntu:22.04:LTS', 'openssh')).toBe(compareDpkg);
  expect(comparatorFor('Drawbridge:upstream', 'OpenSSH')).toBe(compareOpenSsh);
  expect(comparatorFor('PyPI', 'jupyter-server')).toBeUndefined();
});
