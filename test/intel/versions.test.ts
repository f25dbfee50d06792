import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareDpkg,
  compareFortiOs,
  compareGrafana,
  compareIvanti,
  compareMaven,
  compareNetScaler,
  compareOpenSsh,
  comparePanOs,
  comparePep440,
  compareSemver,
  comparatorFor,
  parseDpkgVersion,
  parseOpenSshVersion,
  readObservedVersion,
  type Comparator,
} from '../../src/intel/versions.js';

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
  expect(comparatorFor('PyPI', 'jupyter-server')).toBe(comparePep440);
  expect(comparatorFor('Go', 'k8s.io/ingress-nginx')).toBe(compareSemver);
  expect(comparatorFor('Maven', 'org.jenkins-ci.main:jenkins-core')).toBe(compareMaven);
  expect(comparatorFor('Drawbridge:upstream', 'pan-os')).toBe(comparePanOs);
  expect(comparatorFor('Drawbridge:upstream', 'kong')).toBe(compareSemver);
  expect(comparatorFor('RubyGems', 'rails')).toBeUndefined();
});

const table: Array<[string, Comparator, string, string, number]> = [
  // SemVer, read leniently
  ['semver', compareSemver, 'v1.29.3', '1.29.3', 0],
  ['semver', compareSemver, '1.12.0-beta.0', '1.12.0', -1],
  ['semver', compareSemver, '1.12.0-beta.0', '1.11.5', 1],
  ['semver', compareSemver, '24.0.7+incompatible', '24.0.7', 0],
  ['semver', compareSemver, '18.09.2', '18.9.1', 1],
  ['semver', compareSemver, '1.0-rc7', '1.0.0-rc7', 0],
  ['semver', compareSemver, '1.0.0-rc10', '1.0.0-rc9', 1],
  ['semver', compareSemver, '1.0.0-rc.1', '1.0.0-rc.1.1', -1],
  ['semver', compareSemver, '1.0.0-alpha', '1.0.0-1', 1],
  // Grafana security builds sit between the release and the next patch
  ['grafana', compareGrafana, '11.0.5+security-01', '11.0.5', 1],
  ['grafana', compareGrafana, '11.0.5+security-01', '11.0.6', -1],
  ['grafana', compareGrafana, '11.0.5-security-01', '11.0.5+security-01', 0],
  ['grafana', compareGrafana, '11.0.5+security-02', '11.0.5+security-01', 1],
  ['grafana', compareGrafana, '8.3.0-beta1', '8.3.0', -1],
  // PAN-OS hotfixes sort after their base release
  ['pan-os', comparePanOs, '10.2.9-h1', '10.2.9', 1],
  ['pan-os', comparePanOs, '10.2.9-h1', '10.2.10', -1],
  ['pan-os', comparePanOs, '11.0.3-h10', '11.0.3-h3', 1],
  // FortiOS builds are implied by the release
  ['fortios', compareFortiOs, 'v7.2.7 build1577', '7.2.7', 0],
  ['fortios', compareFortiOs, '7.2.7,build1577', '7.2.6', 1],
  ['fortios', compareFortiOs, '7.0.14', '7.0.9', 1],
  // Ivanti R-releases
  ['ivanti', compareIvanti, '22.7R2.5', '22.7R2', 1],
  ['ivanti', compareIvanti, '22.7R2', '22.7R2.0', 0],
  ['ivanti', compareIvanti, '9.1R18', '22.1R1', -1],
  ['ivanti', compareIvanti, '22.7R2.10', '22.7R2.9', 1],
  ['ivanti', compareIvanti, '22.7R2.3 (build 1485)', '22.7R2.3', 0],
  // NetScaler release-build
  ['netscaler', compareNetScaler, '14.1-43.56', '14.1-43.50', 1],
  ['netscaler', compareNetScaler, '14.1-43.56', '14.1-8.50', 1],
  ['netscaler', compareNetScaler, '14.1', '14.1-0.1', -1],
  ['netscaler', compareNetScaler, 'NS13.1: Build 49.15.nc', '13.1-49.15', 0],
  ['netscaler', compareNetScaler, '13.1-58.32', '14.1-4.42', -1],
  // PEP 440
  ['pep440', comparePep440, '2.0.0a0', '2.0.0', -1],
  ['pep440', comparePep440, '2.0.0a1', '2.0.0a0', 1],
  ['pep440', comparePep440, '2.0.0rc1', '2.0.0b3', 1],
  ['pep440', comparePep440, '1.10.10', '1.10.9', 1],
  ['pep440', comparePep440, '1.0.post1', '1.0', 1],
  ['pep440', comparePep440, '1.0-1', '1.0.post1', 0],
  ['pep440', comparePep440, '1.0.dev1', '1.0a1', -1],
  ['pep440', comparePep440, '1.0a1.dev1', '1.0a1', -1],
  ['pep440', comparePep440, '1!0.1', '2.0', 1],
  ['pep440', comparePep440, '1.0+local.1', '1.0', 0],
  // Maven as Jenkins uses it: weekly and LTS interleave numerically
  ['maven', compareMaven, '2.426.3', '2.427', -1],
  ['maven', compareMaven, '2.440', '2.440.1', -1],
  ['maven', compareMaven, '2.440.1', '2.441', -1],
  ['maven', compareMaven, '2.440.0', '2.440', 0],
  ['maven', compareMaven, '2.60-beta-1', '2.60', -1],
  ['maven', compareMaven, '2.60-rc-1', '2.60-beta-2', 1],
];

describe('vendor comparators', () => {
  it.each(table)('%s: %s vs %s', (_n, cmp, a, b, want) => {
    expect(sign(cmp(a, b))).toBe(want);
    expect(sign(cmp(b, a))).toBe(-want || 0);
  });

  it('refuses other vendors\' forms', () => {
    expect(comparePanOs('10.2', '10.2.9')).toBeUndefined();
    expect(compareIvanti('22.7.2.3597', '22.7R2')).toBeUndefined();
    expect(compareNetScaler('14.1-43', '14.1-43.56')).toBeUndefined();
    expect(compareSemver('latest', '1.0.0')).toBeUndefined();
    expect(comparePep440('1.0-beta-x', '1.0')).toBeUndefined();
    expect(compareMaven('lts', '2.440')).toBeUndefined();
  });

  it('is antisymmetric and never throws on random strings', () => {
    const cmps = [compareSemver, compareGrafana, comparePanOs, compareFortiOs, compareIvanti, compareNetScaler, comparePep440, compareMaven];
    const versionish = fc.stringMatching(/^v?[0-9]{1,3}(\.[0-9]{1,3}){0,3}([-+.][0-9A-Za-z]{0,6}){0,2}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), versionish), fc.oneof(fc.string(), versionish), (a, b) => {
        for (const cmp of cmps) {
          const x = cmp(a, b);
          const y = cmp(b, a);
          if (x === undefined) expect(y).toBeUndefined();
          else expect(sign(x)).toBe(-(sign(y) as number) || 0);
          expect(cmp(a, a) === undefined || cmp(a, a) === 0).toBe(true);
        }
      }),
    );
  });
});

describe('reading reported versions', () => {
  it.each([
    ['kubernetes', 'v1.29.3', '1.29.3', true],
    ['kubernetes', 'v1.29.3-eks-4b7a3a4', '1.29.3', false],
    ['kubernetes', 'v1.28.9-gke.1000000', '1.28.9', false],
    ['kubernetes', 'v1.29.3+k3s1', '1.29.3', false],
    ['kubernetes', 'v1.29.3-k3s1', '1.29.3', false],
    ['kubernetes', 'v1.30.2+rke2r1', '1.30.2', false],
    ['kubernetes', 'v1.30.0-alpha.1', '1.30.0-alpha.1', true],
    ['kubernetes', 'v1.30.0-rc.0', '1.30.0-rc.0', true],
    ['docker', '24.0.7', '24.0.7', true],
    ['docker', 'v24.0.7+incompatible', '24.0.7', true],
    ['docker', '20.10.24+dfsg1', '20.10.24', false],
    ['docker', '18.09.1-ce', '18.09.1', true],
    ['docker', '17.06.2-ee-19', '17.06.2', false],
    ['docker', '19.03.0-rc2', '19.03.0-rc2', true],
    ['grafana', '11.0.5-security-01', '11.0.5+security-01', true],
    ['grafana', 'v10.2.3', '10.2.3', true],
    ['image-revision', '3.5.9-0', '3.5.9', true],
    ['image-revision', 'v3.4.13', '3.4.13', true],
    ['semver', 'v2.9.3+abc1234', '2.9.3+abc1234', true],
    ['plain', ' 2.426.1 ', '2.426.1', true],
  ] as const)('%s %s → %s', (form, raw, version, exact) => {
    expect(readObservedVersion(form, raw)).toEqual({ version, exact });
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.constantFrom('plain', 'semver', 'kubernetes', 'docker', 'grafana', 'image-revision' as const), fc.string(), (form, raw) => {
        expect(typeof readObservedVersion(form, raw).version).toBe('string');
      }),
    );
  });
});
