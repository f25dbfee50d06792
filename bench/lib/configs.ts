/**
 * Deterministic config corpora for the audit bench: Terraform modules (security groups and their
 * rules, NACLs, GCP firewalls, Azure NSGs and rules, EKS/GKE clusters) and multi-document
 * Kubernetes YAML (workloads, Services, Ingresses, RBAC, control-plane static Pods). A mix of
 * hardened and exposed entries, so the auditors do their full work (findings are built, not skipped).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pick, prng } from './common.js';

export interface ConfigCorpus {
  dir: string;
  files: number;
  bytes: number;
  /** Terraform resources or Kubernetes objects written. */
  resources: number;
}

const MGMT_PORTS = [22, 3389, 6443, 2379, 2375, 10250, 5985, 8443];
const OTHER_PORTS = [443, 80, 5432, 8080, 9000];
const WORLD = '0.0.0.0/0';
const INTERNAL = ['10.0.0.0/8', '172.16.0.0/12', '192.168.10.0/24'];

export const RESOURCES_PER_MODULE = 20;

/** Terraform: `modules` directories of variables.tf + network.tf (10 resources) + firewall.tf (10 resources). */
export function writeTerraformCorpus(dir: string, modules: number, seed = 11): ConfigCorpus {
  const rand = prng(seed);
  let files = 0;
  let bytes = 0;
  let resources = 0;
  const put = (file: string, text: string): void => {
    writeFileSync(file, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  for (let m = 0; m < modules; m++) {
    const md = join(dir, `env-${String(m % 10)}`, `module-${String(m).padStart(4, '0')}`);
    mkdirSync(md, { recursive: true });
    put(
      join(md, 'variables.tf'),
      `variable "admin_cidr" {
  type    = string
  default = "${m % 3 === 0 ? WORLD : '203.0.113.0/24'}"
}

variable "ssh_port" {
  type    = number
  default = 22
}

variable "debug_access" {
  type    = bool
  default = ${m % 7 === 0}
}

locals {
  name_prefix = "svc-${m}"
  office      = ["198.51.100.0/24", "192.0.2.0/24"]
}
`,
    );
    const cidr = (): string => (rand() < 0.3 ? WORLD : pick(rand, INTERNAL));
    const port = (): number => (rand() < 0.6 ? pick(rand, MGMT_PORTS) : pick(rand, OTHER_PORTS));
    const net: string[] = [];
    net.push(`resource "aws_security_group" "app_${m}" {
  name        = "\${local.name_prefix}-app"
  description = "application tier"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["${WORLD}"]
  }

  ingress {
    description = "ssh"
    from_port   = var.ssh_port
    to_port     = var.ssh_port
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["${WORLD}"]
  }

  tags = {
    Name = "\${local.name_prefix}-app"
    Team = "platform"
  }
}
`);
    for (let i = 0; i < 4; i++) {
      const p = port();
      net.push(`resource "aws_security_group_rule" "r${i}_${m}" {
  ${i === 3 ? 'count             = var.debug_access ? 1 : 0\n  ' : ''}type              = "ingress"
  from_port         = ${p}
  to_port           = ${p}
  protocol          = "tcp"
  cidr_blocks       = ["${cidr()}"]
  security_group_id = aws_security_group.app_${m}.id
}
`);
    }
    for (let i = 0; i < 2; i++) {
      const p = port();
      net.push(`resource "aws_vpc_security_group_ingress_rule" "v${i}_${m}" {
  security_group_id = aws_security_group.app_${m}.id
  cidr_ipv4         = "${cidr()}"
  from_port         = ${p}
  to_port           = ${p}
  ip_protocol       = "tcp"
}
`);
    }
    net.push(`resource "aws_network_acl" "edge_${m}" {
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    rule_no    = 100
    action     = "${rand() < 0.5 ? 'deny' : 'allow'}"
    protocol   = "tcp"
    from_port  = 22
    to_port    = 22
    cidr_block = "${WORLD}"
  }

  ingress {
    rule_no    = 200
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "${WORLD}"
  }
}
`);
    const publicEks = rand() < 0.4;
    net.push(`resource "aws_eks_cluster" "eks_${m}" {
  name     = "\${local.name_prefix}-eks"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {
    subnet_ids              = ["subnet-0aaa${m}", "subnet-0bbb${m}"]
    endpoint_private_access = true
    endpoint_public_access  = ${publicEks}
${publicEks && rand() < 0.5 ? '    public_access_cidrs     = local.office\n' : ''}  }
}
`);
    net.push(`resource "aws_security_group" "db_${m}" {
  name   = "\${local.name_prefix}-db"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app_${m}.id]
  }
}
`);
    put(join(md, 'network.tf'), net.join('\n'));

    const fw: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = port();
      fw.push(`resource "google_compute_firewall" "fw${i}_${m}" {
  name          = "\${local.name_prefix}-fw${i}"
  network       = "prod"
  direction     = "INGRESS"
  priority      = ${1000 + i}
  source_ranges = ["${cidr()}"]

  allow {
    protocol = "tcp"
    ports    = ["${p}"${rand() < 0.3 ? ', "8000-8100"' : ''}]
  }
}
`);
    }
    fw.push(`resource "azurerm_network_security_group" "nsg_${m}" {
  name                = "\${local.name_prefix}-nsg"
  location            = "westeurope"
  resource_group_name = "rg-prod"

  security_rule {
    name                       = "AllowHttps"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "AllowMgmt"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "${port()}"
    source_address_prefix      = "${rand() < 0.3 ? 'Internet' : 'VirtualNetwork'}"
    destination_address_prefix = "*"
  }
}
`);
    for (let i = 0; i < 4; i++) {
      fw.push(`resource "azurerm_network_security_rule" "nr${i}_${m}" {
  name                        = "rule-${i}"
  priority                    = ${200 + i * 10}
  direction                   = "Inbound"
  access                      = "${rand() < 0.8 ? 'Allow' : 'Deny'}"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = ["${port()}", "${port()}"]
  source_address_prefix       = "${rand() < 0.3 ? '*' : '10.0.0.0/16'}"
  destination_address_prefix  = "*"
  resource_group_name         = "rg-prod"
  network_security_group_name = azurerm_network_security_group.nsg_${m}.name
}
`);
    }
    fw.push(`resource "google_container_cluster" "gke_${m}" {
  name               = "\${local.name_prefix}-gke"
  location           = "europe-west1"
  initial_node_count = 3
${rand() < 0.5 ? `
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "198.51.100.0/24"
      display_name = "office"
    }
  }
` : ''}}
`);
    put(join(md, 'firewall.tf'), fw.join('\n'));
    resources += net.length + fw.length;
  }
  return { dir, files, bytes, resources };
}

const IMAGES = [
  'registry.example.com/shop/api:2.14.1',
  'registry.example.com/shop/web:2.14.1',
  'docker.io/grafana/grafana:11.1.0',
  'docker.io/kubernetesui/dashboard:v2.7.0',
  'docker.io/library/nginx:1.27',
  'quay.io/prometheus/prometheus:v2.53.0',
  'docker.io/library/redis:7.2',
];

/** One object (YAML text) of the mix; `k` numbers it within the corpus. */
function k8sObject(rand: () => number, k: number): string {
  const ns = pick(rand, ['default', 'shop', 'monitoring', 'kube-system', 'ci']);
  const r = rand();
  const name = `obj-${k}`;
  if (r < 0.3) {
    const image = pick(rand, IMAGES);
    const privileged = rand() < 0.05;
    const socket = rand() < 0.03;
    const dashboardArgs = image.includes('dashboard') ? `\n        args:\n        - --auto-generate-certificates\n        - --namespace=${ns}${rand() < 0.5 ? '\n        - --enable-skip-login' : ''}` : '';
    return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
    app.kubernetes.io/part-of: shop
spec:
  replicas: ${1 + (k % 3)}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      serviceAccountName: ${name}
      containers:
      - name: main
        image: ${image}${dashboardArgs}
        ports:
        - name: http
          containerPort: ${image.includes('grafana') ? 3000 : image.includes('dashboard') ? 8443 : 8080}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {memory: 512Mi}
        securityContext:
          privileged: ${privileged}
          allowPrivilegeEscalation: ${privileged}
          readOnlyRootFilesystem: true
        env:
        - name: LOG_LEVEL
          value: info
        - name: DB_HOST
          value: postgres.${ns}.svc.cluster.local${socket ? `
        volumeMounts:
        - name: docker-sock
          mountPath: /var/run/docker.sock
      volumes:
      - name: docker-sock
        hostPath:
          path: /var/run/docker.sock
          type: Socket` : ''}
`;
  }
  if (r < 0.55) {
    const type = rand() < 0.6 ? 'ClusterIP' : rand() < 0.5 ? 'NodePort' : 'LoadBalancer';
    const ranges = type === 'LoadBalancer' && rand() < 0.5 ? `\n  loadBalancerSourceRanges:\n  - 198.51.100.0/24` : '';
    return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
  annotations:
    prometheus.io/scrape: "true"
spec:
  type: ${type}
  selector:
    app: obj-${k - 1}${ranges}
  ports:
  - name: http
    port: ${pick(rand, [80, 443, 3000, 8443, 9090])}
    targetPort: http
`;
  }
  if (r < 0.65) {
    return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${ns}
  annotations:
    nginx.ingress.kubernetes.io/backend-protocol: HTTPS
spec:
  ingressClassName: nginx
  rules:
  - host: ${name}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: ${pick(rand, ['kubernetes-dashboard', 'grafana', 'shop-web', 'argocd-server'])}
            port:
              number: 443
`;
  }
  if (r < 0.8) {
    return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${ns}
data:
  app.properties: |
    server.port=8080
    feature.checkout=true
    cache.ttl=300
  LOG_FORMAT: json
`;
  }
  if (r < 0.9) {
    const anonymous = rand() < 0.05;
    return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${name}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${anonymous ? 'edit' : 'view'}
subjects:
- kind: ${anonymous ? 'User' : 'ServiceAccount'}
  name: ${anonymous ? 'system:anonymous' : name}
${anonymous ? '  apiGroup: rbac.authorization.k8s.io' : `  namespace: ${ns}`}
`;
  }
  if (r < 0.97) {
    return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
automountServiceAccountToken: false
`;
  }
  // A control-plane static Pod, flags sometimes weakened.
  const weak = rand() < 0.5;
  return `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver-${k}
  namespace: kube-system
  labels:
    component: kube-apiserver
    tier: control-plane
spec:
  hostNetwork: true
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.30.2
    command:
    - kube-apiserver
    - --advertise-address=10.0.0.10
    - --secure-port=6443
    - --authorization-mode=${weak ? 'AlwaysAllow' : 'Node,RBAC'}
    - --anonymous-auth=${weak}
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --etcd-servers=https://127.0.0.1:2379
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
`;
}

/** Kubernetes: `files` multi-document YAML files of `perFile` objects each. */
export function writeKubernetesCorpus(dir: string, files: number, perFile: number, seed = 12): ConfigCorpus {
  const rand = prng(seed);
  let bytes = 0;
  let k = 0;
  for (let f = 0; f < files; f++) {
    const d = join(dir, `team-${f % 20}`);
    mkdirSync(d, { recursive: true });
    const docs: string[] = [];
    for (let i = 0; i < perFile; i++) docs.push(k8sObject(rand, k++));
    const text = docs.join('---\n');
    writeFileSync(join(d, `app-${String(f).padStart(4, '0')}.yaml`), text);
    bytes += Buffer.byteLength(text);
  }
  return { dir, files, bytes, resources: k };
}
