import { describe, expect, it } from 'vitest';
import { adminProfiles, commandLine, profilesForContainer } from '../../../src/audit/kubernetes/admin-workloads.js';
import { probeSignatures } from '../../../src/catalog/signatures.js';
import type { ContainerRef } from '../../../src/audit/kubernetes/objects.js';

// The products whose consoles and APIs scanners look for first: each is one catalogue entry that the
// Kubernetes matcher and (where it has an HTTP face) a probe signature share.
const PRODUCTS: Record<string, { signature?: boolean }> = {
  'argo-workflows': { signature: true },
  argocd: { signature: true },
  jenkins: { signature: true },
  'kubernetes-dashboard': { signature: true },
  'weave-scope': { signature: true },
  'kubeflow-dashboard': { signature: true },
  'kubeflow-pipelines': { signature: true },
  jupyterhub: { signature: true },
  jupyter: { signature: true },
  mlflow: { signature: true },
  ray: { signature: true },
  ollama: { signature: true },
  'openai-compatible-llm': { signature: true },
  'nvidia-triton': { signature: true },
  'model-server': { signature: true },
  nifi: { signature: true },
  airflow: { signature: true },
  grafana: { signature: true },
  prometheus: { signature: true },
  kibana: { signature: true },
  portainer: { signature: true },
  rancher: {},
};

const container = (image: string, command: string[] = [], args: string[] = []): ContainerRef => ({ container: { name: 'c', image, command, args }, path: [], name: 'c', image });

describe('admin product catalogue', () => {
  it('has one workload entry per product, with a way to recognise it and ports to lead to', () => {
    const profiles = new Map(adminProfiles().map((p) => [p.service.id, p]));
    for (const id of Object.keys(PRODUCTS)) {
      const p = profiles.get(id);
      expect(p, id).toBeDefined();
      expect(p!.images.length + p!.commands.length + Object.keys(p!.labels).length, id).toBeGreaterThan(0);
      expect(p!.ports.size, id).toBeGreaterThan(0);
    }
  });

  it('links each product with an HTTP face to its probe signatures, and every signature service to a product', () => {
    const profiles = new Map(adminProfiles().map((p) => [p.service.id, p]));
    for (const [id, { signature }] of Object.entries(PRODUCTS)) {
      if (signature) expect(profiles.get(id)?.signatures.length, id).toBeGreaterThan(0);
    }
    for (const s of probeSignatures()) if (s.service && s.service !== 'ssh') expect(profiles.has(s.service), s.id).toBe(true);
  });

  it('joins command and args into the command line the regexes see', () => {
    expect(commandLine({ command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'], args: ['--port', '8000'] })).toBe('python3 -m vllm.entrypoints.openai.api_server --port 8000');
  });

  it('recognises custom images by command line and tells roles of one image apart', () => {
    const ids = (c: ContainerRef, labels: Record<string, string> = {}): string[] => profilesForContainer(c, labels).map((x) => `${x.profile.service.id}:${x.confidence}`);
    expect(ids(container('registry.example.com/ml/server:1', ['python3', '-m', 'vllm.entrypoints.openai.api_server']))).toEqual(['openai-compatible-llm:confirmed']);
    expect(ids(container('quay.io/argoproj/argocli:v3.5.2', [], ['server', '--auth-mode=server']))).toEqual(['argo-workflows:confirmed']);
    expect(ids(container('quay.io/argoproj/argocli:v3.5.2', [], ['submit', 'wf.yaml']))).toEqual([]);
    expect(ids(container('python:3.11', ['mlflow', 'models', 'serve']))).toEqual([]);
    expect(ids(container('python:3.11', ['mlflow', 'server', '--host', '0.0.0.0']))).toEqual(['mlflow:confirmed']);
    expect(ids(container('corp/ci:1'), { 'app.kubernetes.io/component': 'jenkins-controller' })).toEqual(['jenkins:possible']);
    expect(ids(container('corp/ci:1'), { 'app.kubernetes.io/component': 'runner' })).toEqual([]);
  });
});
