/**
 * A directory of standard OSV files (shapes as osv.dev publishes them for Go, Debian and PyPI) loads
 * next to the shipped catalogue and matches through the product table, without any drawbridge keys.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdvisories, matchAdvisories } from '../../src/intel/advisories.js';

const dir = join(import.meta.dirname, 'fixtures', 'osv-user');
const cat = loadAdvisories([dir]);
const ctx = { advisories: cat.advisories };
const ids = (product: string, version: string, banner?: string): string[] =>
  matchAdvisories(product, version, banner, ctx)
    .map((m) => m.id)
    .filter((id) => id.includes('2099'));

describe('user OSV directory', () => {
  it('loads every fixture without problems and keeps shipped records', () => {
    expect(cat.problems).toEqual([]);
    const got = cat.advisories.map((a) => a.record.id);
    expect(got).toEqual(expect.arrayContaining(['GO-2099-0001', 'GO-2099-0002', 'GO-2099-0003', 'DEBIAN-CVE-2099-0004', 'PYSEC-2099-5', 'PYSEC-2099-6', 'CVE-2024-6387']));
    expect(cat.advisories.find((a) => a.record.id === 'GO-2099-0001')?.productsDeclared).toBe(false);
  });

  it('Go SEMVER ranges with +incompatible match the Docker Engine version the probe reports', () => {
    expect(ids('docker', '24.0.7')).toEqual(['GO-2099-0001']);
    expect(ids('docker-engine', 'v26.1.4+incompatible')).toEqual(['GO-2099-0001']);
    expect(ids('docker', '25.0.6')).toEqual([]);
    expect(ids('docker', '26.1.5')).toEqual([]);
    expect(ids('docker', '27.0.0')).toEqual([]);
    const [m] = matchAdvisories('docker', '24.0.7', undefined, ctx).filter((x) => x.id === 'GO-2099-0001');
    expect(m).toMatchObject({ package: 'Go/github.com/docker/docker', confidence: 'confirmed', severity: 'medium', fixed: ['25.0.6+incompatible', '26.1.5+incompatible'] });
  });

  it('a distribution build is only "possible" against a Go record', () => {
    expect(matchAdvisories('docker', '20.10.24+dfsg1', undefined, ctx).find((x) => x.id === 'GO-2099-0001')?.confidence).toBe('possible');
  });

  it('withdrawn records never match; pre-release introduced events are honoured', () => {
    expect(ids('ingress-nginx', '1.12.0')).toEqual(['GO-2099-0003']);
    expect(ids('ingress-nginx', '1.12.0-beta.0')).toEqual(['GO-2099-0003']);
    expect(ids('ingress-nginx', '1.11.9')).toEqual([]);
    expect(ids('ingress-nginx', '1.12.4')).toEqual([]);
  });

  it('a Debian record judges a Debian banner by the package revision', () => {
    expect(ids('OpenSSH', '9.2p1', 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u4')).toEqual(['DEBIAN-CVE-2099-0004']);
    expect(ids('OpenSSH', '9.2p1', 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u5')).toEqual([]);
    const [m] = matchAdvisories('OpenSSH', '9.2p1', 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u4', ctx).filter((x) => x.id === 'DEBIAN-CVE-2099-0004');
    expect(m).toMatchObject({ confidence: 'confirmed', basis: 'distro-record', comparedVersion: '1:9.2p1-2+deb12u4' });
    // without a banner a Debian record cannot judge an upstream version
    expect(ids('OpenSSH', '9.2p1')).toEqual([]);
  });

  it('PyPI ECOSYSTEM ranges use PEP 440 order; GIT ranges are skipped; versions lists count', () => {
    expect(ids('jupyter-server', '2.14.1')).toEqual(['PYSEC-2099-5']);
    expect(ids('jupyter', '2.14.2rc1')).toEqual(['PYSEC-2099-5']);
    expect(ids('jupyter-server', '2.14.2')).toEqual([]);
    expect(ids('apache-airflow', '2.7.3')).toEqual(['PYSEC-2099-6']);
    expect(ids('airflow', '2.7.2')).toEqual(['PYSEC-2099-6']);
    expect(ids('apache-airflow', '2.8.0')).toEqual([]);
  });

  it('a product the table does not know matches nothing from these records', () => {
    expect(ids('minio', '2024.01.01')).toEqual([]);
  });
});
