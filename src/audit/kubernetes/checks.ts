/** Kubernetes rules (catalog/audit/kubernetes/<id>/): each over the objects of one manifest file. */
import { defineChecks } from '../checks.js';
import type { AdvisoryLookup } from '../../intel/advisory-lookup.js';
import {
  apiserverAlwaysAdmit,
  apiserverAlwaysAllow,
  apiserverAnonymousAuth,
  apiserverInsecurePort,
  apiserverNoClientCa,
  apiserverStaticCredentials,
  etcdNoClientCertAuth,
  etcdPlaintextClientUrl,
  kubeletAlwaysAllow,
  kubeletAnonymousAuth,
  kubeletReadonlyPort,
} from './control-plane.js';
import { ingressExposesAdmin, serviceExposesAdmin } from './exposure.js';
import type { K8sObject } from '../shared/k8s-objects.js';
import { rbacAnonymousWrite } from './rbac.js';
import { vulnerableImages } from './vulnerable-images.js';
import { dashboardInsecureLogin, dashboardSkipLogin, runtimeSocketMount } from './workloads.js';

export interface KubernetesInput {
  objects: readonly K8sObject[];
  advisories: AdvisoryLookup;
}

export const KUBERNETES_CHECKS = defineChecks<KubernetesInput>('kubernetes', {
  'k8s-apiserver-always-allow': (i) => apiserverAlwaysAllow(i.objects),
  'k8s-apiserver-anonymous-auth': (i) => apiserverAnonymousAuth(i.objects),
  'k8s-apiserver-insecure-port': (i) => apiserverInsecurePort(i.objects),
  'k8s-apiserver-static-credentials': (i) => apiserverStaticCredentials(i.objects),
  'k8s-apiserver-no-client-ca': (i) => apiserverNoClientCa(i.objects),
  'k8s-apiserver-always-admit': (i) => apiserverAlwaysAdmit(i.objects),
  'k8s-etcd-plaintext-client-url': (i) => etcdPlaintextClientUrl(i.objects),
  'k8s-etcd-no-client-cert-auth': (i) => etcdNoClientCertAuth(i.objects),
  'k8s-kubelet-anonymous-auth': (i) => kubeletAnonymousAuth(i.objects),
  'k8s-kubelet-always-allow': (i) => kubeletAlwaysAllow(i.objects),
  'k8s-kubelet-readonly-port': (i) => kubeletReadonlyPort(i.objects),
  'k8s-service-exposes-admin': (i, rule) => serviceExposesAdmin(i.objects, rule),
  'k8s-ingress-exposes-admin': (i, rule) => ingressExposesAdmin(i.objects, rule),
  'k8s-dashboard-skip-login': (i) => dashboardSkipLogin(i.objects),
  'k8s-dashboard-insecure-login': (i) => dashboardInsecureLogin(i.objects),
  'k8s-rbac-anonymous-write': (i) => rbacAnonymousWrite(i.objects),
  'k8s-runtime-socket-mount': (i, rule) => runtimeSocketMount(i.objects, rule),
  'k8s-vulnerable-image': (i) => vulnerableImages(i.objects, i.advisories),
});
