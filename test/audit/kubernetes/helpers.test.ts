import { describe, expect, it } from 'vitest';
import { parseYamlDocuments } from '../../../src/audit/yaml-positions.js';
import { hostScope, isWorldCidr, parseHostPort, parseListenUrl } from '../../../src/audit/listen-address.js';
import { profilesForImage } from '../../../src/audit/kubernetes/admin-workloads.js';
import { imageMatchesHint, imageVersion, parseImage } from '../../../src/audit/shared/images.js';
import { parseFlags, splitWords } from '../../../src/audit/shared/command-line.js';
import { componentOf } from '../../../src/audit/kubernetes/components.js';
import { collectObjects, resourceName } from '../../../src/audit/shared/k8s-objects.js';
import { summariseRules } from '../../../src/audit/kubernetes/rbac.js';
import { renderTemplate } from '../../../src/audit/rule-catalog.js';

describe('yaml positions', () => {
  it('gives key lines across documents, JSON and missing paths', () => {
    const text = 'a: 1\n---\nkind: X\nspec:\n  list:\n    - b: 2\n      c: 3\n---\n{"x": {\n  "y": [1,\n   2]}}\n';
    const { documents, problems } = parseYamlDocuments('f.yaml', text);
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(3);
    expect(documents[1]?.lineOf(['spec', 'list', 0, 'c'])).toBe(7);
    expect(documents[1]?.lineOf(['spec', 'missing', 'deeper'])).toBe(4);
    expect(documents[2]?.lineOf(['x', 'y', 1])).toBe(11);
    expect(documents[2]?.startLine).toBe(9);
  });
});

describe('listen addresses', () => {
  it('classifies hosts', () => {
    expect(hostScope('0.0.0.0')).toBe('all-interfaces');
    expect(hostScope('[::]')).toBe('all-interfaces');
    expect(hostScope('127.0.0.5')).toBe('loopback');
    expect(hostScope('::1')).toBe('loopback');
    expect(hostScope('localhost')).toBe('loopback');
    expect(hostScope('10.1.2.3')).toBe('specific');
  });
  it('parses host:port forms and URLs', () => {
    expect(parseHostPort('[::1]:8001')).toEqual({ host: '::1', port: 8001, scope: 'loopback' });
    expect(parseHostPort(':8080')).toEqual({ host: '', port: 8080, scope: 'all-interfaces' });
    expect(parseHostPort('8080')).toEqual({ host: '', port: 8080, scope: 'all-interfaces' });
    expect(parseListenUrl('tcp://[::]:2375')).toMatchObject({ scheme: 'tcp', host: '::', port: 2375, scope: 'all-interfaces' });
    expect(parseListenUrl('unix:///var/run/docker.sock')).toMatchObject({ scheme: 'unix', scope: 'unix' });
  });
  it('recognises world CIDRs only', () => {
    expect(isWorldCidr('0.0.0.0/0')).toBe(true);
    expect(isWorldCidr('::/0')).toBe(true);
    expect(isWorldCidr('0.0.0.0/1')).toBe(false);
    expect(isWorldCidr('10.0.0.0/8')).toBe(false);
    expect(isWorldCidr('garbage')).toBe(false);
  });
});

describe('images', () => {
  it('strips registry, library/ and tag/digest', () => {
    expect(parseImage('registry.k8s.io/kube-apiserver:v1.29.0')).toEqual({ repository: 'kube-apiserver', tag: 'v1.29.0' });
    expect(parseImage('localhost:5000/team/app:1@sha256:abc')).toEqual({ repository: 'team/app', tag: '1' });
    expect(parseImage('docker.io/library/traefik')).toEqual({ repository: 'traefik' });
  });
  it('matches hints by path, last segment or prefix', () => {
    expect(imageMatchesHint('grafana/grafana', 'grafana/grafana')).toBe(true);
    expect(imageMatchesHint('prometheus/prometheus', 'prometheus')).toBe(true);
    expect(imageMatchesHint('prometheus/node-exporter', 'prometheus')).toBe(false);
    expect(imageMatchesHint('jupyter/base-notebook', 'jupyter/')).toBe(true);
    expect(profilesForImage('quay.io/argoproj/argocd:v2.11.3').map((p) => p.service.id)).toEqual(['argocd']);
    expect(profilesForImage('nginx:1.27')).toEqual([]);
  });
  it('reads versions from tags with vendor suffixes', () => {
    expect(imageVersion('quay.io/coreos/hyperkube:v1.2.3_coreos.0')).toBe('1.2.3');
    expect(imageVersion('registry.k8s.io/etcd:3.5.12-0')).toBe('3.5.12');
    expect(imageVersion('kube-apiserver:v1.29.3-eks-1234')).toBe('1.29.3');
    expect(imageVersion('traefik:latest')).toBeUndefined();
  });
});

describe('command lines', () => {
  const tok = (...t: string[]) => t.map((text, i) => ({ text, line: i + 1 }));
  it('parses = values, separate values and bare booleans', () => {
    const flags = parseFlags(tok('kube-apiserver', '--a=1', '--b', 'two', '--anonymous-auth', '--c'), new Set(['anonymous-auth']));
    expect(flags).toEqual([
      { name: 'a', value: '1', line: 2 },
      { name: 'b', value: 'two', line: 3 },
      { name: 'anonymous-auth', value: 'true', line: 5 },
      { name: 'c', value: 'true', line: 6 },
    ]);
  });
  it('splits sh -c strings with quotes', () => {
    expect(splitWords(`kube-apiserver --x="a b" --y='c'`)).toEqual(['kube-apiserver', '--x=a b', '--y=c']);
  });
  it('recognises components by binary or image', () => {
    expect(componentOf('any', tok('/bin/sh', '-c', 'exec', 'kube-apiserver'))).toBe('kube-apiserver');
    expect(componentOf('quay.io/coreos/hyperkube:v1.6.1', tok('/hyperkube', 'apiserver'))).toBe('kube-apiserver');
    expect(componentOf('example/apiserver:1', tok('apiserver', '--port=1'))).toBeUndefined();
    expect(componentOf('registry.k8s.io/etcd:3.5.9-0', tok('--name=x'))).toBe('etcd');
    expect(componentOf('kubernetesui/dashboard:v2.7.0', [])).toBe('kubernetes-dashboard');
  });
});

describe('objects and RBAC', () => {
  it('flattens nested Lists and keeps paths for lines', () => {
    const text = JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [{ kind: 'ConfigMapList', apiVersion: 'v1', items: [{ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', namespace: 'n' } }] }, 'oops'] }, null, 1);
    const { documents } = parseYamlDocuments('l.json', text);
    const { objects, problems } = collectObjects('l.json', documents);
    expect(objects.map(resourceName)).toEqual(['ConfigMap/n/a']);
    expect(objects[0]?.path).toEqual(['items', 0, 'items', 0]);
    expect(problems).toHaveLength(1);
  });
  it('treats self-review creates as questions, wildcards and writes as grants', () => {
    expect(summariseRules([{ resources: ['selfsubjectaccessreviews'], verbs: ['create'] }])).toEqual({ writes: [], wildcard: false });
    expect(summariseRules([{ resources: ['pods'], verbs: ['get', 'delete'] }]).writes).toEqual(['delete pods']);
    expect(summariseRules([{ resources: ['*'], verbs: ['get'] }]).wildcard).toBe(true);
    expect(summariseRules([{ nonResourceURLs: ['/healthz'], verbs: ['get'] }])).toEqual({ writes: [], wildcard: false });
  });
});

it('renders templates and leaves unknown placeholders visible', () => {
  expect(renderTemplate('set {{ a }} on {{b}}', { a: 'x' })).toBe('set x on {{b}}');
});
