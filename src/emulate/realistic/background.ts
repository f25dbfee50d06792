/**
 * One day of what a real environment's logs hold besides attacks: Internet background scanning on
 * every exposed port, a busy public web site and public API through the gateways, employees from
 * the office, home and hotels, hosted CI on rotating cloud ranges, the cluster's own chatter with
 * hourly token rotation, and east-west traffic. Volumes follow `scale`; the shapes do not.
 */
import type { KubeRequest } from '../activity.js';
import type { SourceNetwork } from '../networks.js';
import { US_PER_DAY, US_PER_H, US_PER_MIN, US_PER_S } from '../time.js';
import type { Actions, VisitRequest } from './actions.js';
import type { Employee, Host } from './organisation.js';
import { BOTNET, CI_CLOUD, CONSUMER, HOSTING, RESEARCH_SCANNERS } from './pools.js';

/** Per-day volumes at scale 1 (a mid-sized company's month, as the issue describes it). */
export const VOLUME = {
  scanners: 850,
  researchScans: 60,
  bruteForcers: 8,
  webVisitors: 2000,
  apiClients: 750,
  eastWest: 1200,
} as const;

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.58 Mobile Safari/537.36',
];
const APP_AGENTS = ['ExampleShop/4.12.0 (iPhone; iOS 18.0)', 'ExampleShop/4.12.0 (Android 14; Pixel 8)', 'okhttp/4.12.0', 'ExampleShop/4.11.2 (iPad; iOS 17.6)'];
const SCANNER_AGENTS = ['Mozilla/5.0 zgrab/0.x', 'Go-http-client/1.1', 'python-requests/2.31.0', 'curl/7.88.1', 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)', 'masscan/1.3'];
const GUESSED_USERS = ['admin', 'oracle', 'test', 'ubuntu', 'postgres', 'git', 'user', 'deploy', 'pi', 'ftpuser', 'hadoop', 'support'];

export interface DayContext {
  start: number;
  index: number;
  weekend: boolean;
  scale: number;
}

function scaled(n: number, scale: number, weekendFactor = 1, weekend = false): number {
  return Math.max(1, Math.round(n * scale * (weekend ? weekendFactor : 1)));
}

/** State that lasts across days: returning visitors, trips. */
export class Background {
  private readonly webVisitors: string[] = [];
  private readonly apiClients: string[] = [];
  /** Day index → employees abroad that day, with the hotel address. */
  readonly trips = new Map<number, Map<string, string>>();
  /** Day index → employees whose ordinary day is replaced by a labelled event. */
  readonly replaced = new Map<number, Set<string>>();

  constructor(private readonly a: Actions) {}

  private at(day: DayContext, fromH = 0, toH = 24): number {
    return day.start + Math.floor((fromH + this.a.prng.next() * (toH - fromH)) * US_PER_H);
  }

  /** Working hours, in the employee's time zone (everyone is in UTC±1 here). */
  private work(day: DayContext): number {
    return this.at(day, 7.5, 18.5);
  }

  /** Plan the trips of travelling employees during the history (the live week has its own). */
  planTrips(historyDays: number): void {
    const { prng, org } = this.a;
    for (const e of org.employees.filter((x) => x.travels)) {
      const from = prng.int(2, Math.max(2, historyDays - 6));
      const hotel = this.a.address(prng.pick([...CONSUMER.slice(5), ...CONSUMER.slice(8)]));
      for (let d = from; d < from + prng.int(2, 4); d++) {
        const m = this.trips.get(d) ?? new Map<string, string>();
        m.set(e.name, hotel);
        this.trips.set(d, m);
      }
    }
  }

  day(day: DayContext): void {
    this.scanning(day);
    this.web(day);
    this.api(day);
    this.employees(day);
    this.ci(day);
    this.cluster(day);
    this.eastWest(day);
  }

  // ---- Internet background ------------------------------------------------------------------

  private scanning(day: DayContext): void {
    const { a } = this;
    const { prng, org } = a;
    const exposed: [Host, number][] = [[org.bastions[0], 22], [org.bastions[1], 22], [org.edge, 443], [org.edge, 80], [org.kong, 443], [org.kong, 8444], [org.apiserver, 6443]];
    const scan = (src: string, research: boolean): void => {
      const targets = research ? exposed : Array.from({ length: prng.chance(0.7) ? 1 : prng.int(2, 3) }, () => prng.pick(exposed));
      for (const [host, port] of targets) {
        const t = this.at(day);
        a.synScan(t, src, host.ip, port);
        if (research || prng.chance(0.5)) this.probe(t + prng.int(1, 30) * US_PER_S, src, host, port);
      }
      if (!research && prng.chance(0.5)) a.rejected(this.at(day), src, prng.pick(org.hosts).ip, prng.pick([23, 3389, 5900, 2375, 10250, 9200, 8080, 5432]));
    };
    for (let i = 0; i < scaled(VOLUME.scanners, day.scale); i++) {
      const r = prng.next();
      const net: SourceNetwork = r < 0.55 ? prng.pick(HOSTING) : prng.pick(BOTNET);
      scan(a.address(net), false);
    }
    for (let i = 0; i < scaled(VOLUME.researchScans, day.scale); i++) scan(a.address(prng.pick(RESEARCH_SCANNERS)), true);
    // Brute force that never succeeds: one address, tens to hundreds of guesses within an hour or two.
    for (let i = 0; i < scaled(VOLUME.bruteForcers, day.scale); i++) {
      const src = a.address(prng.pick(BOTNET));
      const host = prng.pick(org.bastions);
      const t0 = this.at(day, 0, 22);
      const n = prng.int(30, 200);
      for (let k = 0; k < n; k++) {
        const user = prng.chance(0.5) ? 'root' : prng.pick(GUESSED_USERS);
        a.sshFailure(host, t0 + Math.floor((k * 2 * US_PER_H) / n), src, user, user === 'root', undefined, k % 5 === 0);
      }
    }
  }

  /** What a scanner does after the handshake on each exposed service. */
  private probe(t: number, src: string, host: Host, port: number): void {
    const { a } = this;
    const { prng, org } = a;
    const ua = prng.pick(SCANNER_AGENTS);
    if (port === 22) {
      if (prng.chance(0.6)) a.sshBanner(host, t, src);
      else for (let k = prng.int(1, 3); k > 0; k--) a.sshFailure(host, t + k * 4 * US_PER_S, src, prng.pick(GUESSED_USERS), false, undefined, false);
    } else if (host === org.edge) {
      if (prng.chance(0.2)) a.logs.httpRaw('edge', { time: t, src, host: '_', request: '\x16\x03\x01\x00\xee\x01\x00\x00\xea\x03\x03', status: 400 });
      else {
        const path = prng.pick(['/', '/.env', '/wp-login.php', '/.git/config', '/admin/', '/actuator/health', '/cgi-bin/luci', '/server-status']);
        a.logs.http('edge', { time: t, src, host: prng.chance(0.5) ? 'www.example-corp.com' : '_', method: 'GET', path, status: path === '/' ? 200 : path === '/admin/' ? 401 : 404, bytes: prng.int(150, 9000), userAgent: ua });
      }
    } else if (host === org.kong && port === 443) {
      a.logs.http('kongProxy', { time: t, src, method: 'GET', path: prng.pick(['/', '/v1/', '/.env', '/api/v1/namespaces']), status: 404, bytes: 48, userAgent: ua });
    } else if (port === 8444) {
      a.logs.http('kongAdmin', { time: t, src, method: 'GET', path: '/', status: 401, bytes: 26, userAgent: ua });
    } else if (port === 6443) {
      const version = prng.chance(0.5);
      const anon = { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], credentialId: '', rotates: false, sources: [], userAgent: ua };
      const req: KubeRequest = version ? { verb: 'get', resource: 'version', uri: '/version', code: 200, reason: 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"' } : { verb: 'get', resource: 'pods', uri: '/api/v1/pods', code: 403, reason: '' };
      a.kubectl(t, anon, src, [req], { sorted: prng.chance(0.3) });
    }
  }

  // ---- public web site and API --------------------------------------------------------------

  private visitor(pool: string[], returning: number, nets: readonly SourceNetwork[]): string {
    const { prng } = this.a;
    if (pool.length > 50 && prng.chance(returning)) return prng.pick(pool);
    const ip = this.a.address(prng.pick(nets));
    if (pool.length < 40_000) pool.push(ip);
    else pool[prng.int(0, pool.length - 1)] = ip;
    return ip;
  }

  private web(day: DayContext): void {
    const { a } = this;
    const { prng, org } = a;
    for (let i = 0; i < scaled(VOLUME.webVisitors, day.scale, 0.8, day.weekend); i++) {
      const src = this.visitor(this.webVisitors, 0.45, CONSUMER);
      const ua = prng.pick(BROWSERS);
      const reqs: VisitRequest[] = [];
      const pages = prng.int(1, 6);
      for (let k = 0; k < pages; k++) {
        const path = prng.pick(['/', '/products', `/products/${prng.int(1, 400)}`, `/blog/${prng.pick(['pricing-update', 'release-4-12', 'security'])}`, '/about', '/pricing']);
        reqs.push({ host: 'www.example-corp.com', method: 'GET', path, status: 200, bytes: prng.int(4000, 90000), userAgent: ua, referer: 'https://www.example-corp.com/' });
        if (prng.chance(0.3)) reqs.push({ host: 'www.example-corp.com', method: 'GET', path: `/static/app.${prng.hex(8)}.js`, status: 200, bytes: prng.int(40000, 300000), userAgent: ua });
      }
      if (prng.chance(0.14)) {
        const path = prng.pick(['/contact', '/newsletter/subscribe', '/cart/items', '/login', '/checkout', '/api/search']);
        reqs.push({ host: 'www.example-corp.com', method: 'POST', path, status: path === '/login' && prng.chance(0.2) ? 401 : prng.pick([200, 201, 302]), bytes: prng.int(100, 3000), userAgent: ua, referer: 'https://www.example-corp.com/' });
      }
      a.visit('edge', org.edge, prng.chance(0.04) ? 80 : 443, this.at(day, 6, 24), src, reqs);
    }
  }

  private api(day: DayContext): void {
    const { a } = this;
    const { prng, org } = a;
    const mobile = CONSUMER.filter((n) => ['t-mobile', 'att', 'verizon', 'orange', 'comcast-73', 'dtag-93'].includes(n.id));
    for (let i = 0; i < scaled(VOLUME.apiClients, day.scale, 0.9, day.weekend); i++) {
      const partner = prng.chance(0.08);
      const src = this.visitor(this.apiClients, 0.4, partner ? CI_CLOUD : mobile);
      const ua = partner ? 'partner-sync/2.3 (+https://partner.example.net)' : prng.pick(APP_AGENTS);
      const reqs: VisitRequest[] = [];
      if (prng.chance(0.6)) reqs.push({ method: 'POST', path: '/v1/auth/token', status: 200, bytes: 812, userAgent: ua });
      for (let k = prng.int(1, 4); k > 0; k--) reqs.push({ method: 'GET', path: prng.pick(['/v1/products', `/v1/products/${prng.int(1, 400)}`, '/v1/me', `/v1/orders/${prng.int(100000, 999999)}`]), status: 200, bytes: prng.int(300, 40000), userAgent: ua });
      if (prng.chance(0.3)) reqs.push({ method: 'POST', path: '/v1/cart', status: 201, bytes: prng.int(200, 900), userAgent: ua });
      if (prng.chance(0.22)) reqs.push({ method: 'POST', path: '/v1/orders', status: prng.chance(0.9) ? 201 : 422, bytes: prng.int(300, 1500), userAgent: ua });
      if (prng.chance(0.05)) reqs.push({ method: 'PUT', path: `/v1/cart/${prng.hex(12)}`, status: 200, bytes: 320, userAgent: ua });
      a.visit('kongProxy', org.kong, 443, this.at(day), src, reqs);
    }
  }

  // ---- the organisation's own people and machines -------------------------------------------

  /** Where an employee is today: hotel, branch or headquarters, home or VPN. */
  where(e: Employee, day: DayContext): string {
    const { prng, org } = this.a;
    const hotel = this.trips.get(day.index)?.get(e.name);
    if (hotel !== undefined) return hotel;
    if (!day.weekend && prng.chance(0.55)) return e.branch ? prng.pick(org.branch) : prng.pick(org.hq);
    if (prng.chance(0.08)) return prng.pick(org.vpn);
    return e.homes[e.homes.length - 1] as string;
  }

  private employees(day: DayContext): void {
    const { a } = this;
    const { prng, org } = a;
    const replaced = this.replaced.get(day.index);
    for (const e of org.employees) {
      if (replaced?.has(e.name)) continue;
      if (day.weekend && !prng.chance(0.15)) continue;
      if (!day.weekend && prng.chance(0.08)) continue; // a day off
      this.employeeDay(e, day);
    }
  }

  /** One employee's working day: bastion sessions with hops inside, kubectl, the web site's admin, Kong. */
  employeeDay(e: Employee, day: DayContext, o: { src?: string; mark?: string; fingerprint?: string; kubeCredential?: string; time?: number } = {}): void {
    const { a } = this;
    const { prng, org } = a;
    const src = o.src ?? this.where(e, day);
    const info = `${e.keyType} ${o.fingerprint ?? e.fingerprint}`;
    for (let s = prng.int(1, 3); s > 0; s--) {
      const bastion = prng.pick(org.bastions);
      const t = o.time !== undefined && s === 1 ? o.time : this.work(day);
      const auth = a.sshSession(bastion, t, e.name, e.uid, src, info, o.mark);
      for (let h = prng.int(0, 2); h > 0; h--) {
        const target = prng.pick(org.internal);
        a.sshSession(target, auth + prng.int(1, 20) * US_PER_MIN, e.name, e.uid, bastion.ip, info);
        if (prng.chance(0.4)) a.logs.syslog(target.name, auth + 25 * US_PER_MIN, 'sudo', a.nextPid(), `${e.name} : TTY=pts/0 ; PWD=/home/${e.name} ; USER=root ; COMMAND=/usr/bin/systemctl status app`);
      }
    }
    if (e.kube) {
      for (let s = prng.int(1, 3); s > 0; s--) {
        const ns = prng.pick(['shop', 'payments', 'search', 'monitoring']);
        const reqs: KubeRequest[] = [
          { verb: 'list', resource: 'pods', namespace: ns },
          { verb: 'get', resource: 'deployments', namespace: ns, name: 'api' },
        ];
        if (prng.chance(0.5)) reqs.push({ verb: 'get', resource: 'pods', namespace: ns, name: `api-${prng.hex(10)}-${prng.hex(5)}`, subresource: 'log' });
        if (prng.chance(0.05)) reqs.push({ verb: 'create', resource: 'pods', namespace: ns, name: `api-${prng.hex(10)}-${prng.hex(5)}`, subresource: 'exec', code: 101 });
        a.kubectl(this.work(day), e.kube, src, reqs, { sorted: prng.chance(0.3), ...(o.mark !== undefined ? { mark: o.mark } : {}), ...(o.kubeCredential !== undefined ? { credentialId: o.kubeCredential } : {}) });
      }
    }
    if (e.editor) {
      const reqs: VisitRequest[] = [{ host: 'www.example-corp.com', method: 'GET', path: '/admin/', status: 200, bytes: 18000, userAgent: BROWSERS[1] as string, user: e.name }];
      for (let k = prng.int(0, 3); k > 0; k--) reqs.push({ host: 'www.example-corp.com', method: prng.pick(['POST', 'PUT']), path: prng.chance(0.5) ? '/admin/posts' : `/admin/posts/${prng.int(1, 900)}`, status: 200, bytes: 900, userAgent: BROWSERS[1] as string, user: e.name });
      a.visit('edge', org.edge, 443, this.work(day), src, reqs, o.mark);
    }
    if (e.gatewayAdmin && prng.chance(0.3)) {
      const reqs: VisitRequest[] = [{ method: 'GET', path: '/services', status: 200, bytes: 5400, userAgent: 'HTTPie/3.2.4', user: e.name }];
      if (prng.chance(0.4)) reqs.push({ method: 'PATCH', path: '/services/web', status: 200, bytes: 700, userAgent: 'HTTPie/3.2.4', user: e.name });
      a.visit('kongAdmin', org.kong, 8444, this.work(day), src, reqs, o.mark);
    }
  }

  /** Hosted CI: every job on a fresh VM, usually in a /24 never seen before. */
  private ci(day: DayContext): void {
    const { a } = this;
    const { prng, org } = a;
    const jobs = day.weekend ? 5 : 14;
    for (let j = 0; j < jobs; j++) {
      const src = a.address(prng.pick(CI_CLOUD));
      const t = this.at(day, day.weekend ? 0 : 7, day.weekend ? 24 : 20);
      const kind = j % 4;
      if (kind === 3) {
        a.visit('kongAdmin', org.kong, 8444, t, src, [
          { method: 'GET', path: '/services', status: 200, bytes: 5400, userAgent: 'decK/1.40.2', user: 'ci-deck' },
          { method: 'PUT', path: '/services/web/routes/web-main', status: 200, bytes: 640, userAgent: 'decK/1.40.2', user: 'ci-deck' },
        ]);
        continue;
      }
      a.sshSession(org.bastions[0], t, org.ci.sshUser, org.ci.uid, src, `ED25519 ${org.ci.fingerprint}`);
      if (kind === 2) continue;
      const ns = prng.pick(['shop', 'payments', 'search']);
      const name = `smoke-test-${prng.hex(5)}`;
      const image = `registry.example-corp.com/${ns}/api:${prng.hex(7)}`;
      const end = a.kubectl(t + 2 * US_PER_MIN, org.ci.deployer, src, [
        { verb: 'get', resource: 'deployments', namespace: ns, name: 'api' },
        { verb: 'patch', resource: 'deployments', namespace: ns, name: 'api', requestObject: { spec: { template: { spec: { containers: [{ name: 'api', image }] } } } } },
        { verb: 'create', resource: 'pods', namespace: ns, name, requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: ns }, spec: { restartPolicy: 'Never', containers: [{ name: 'smoke', image, args: ['--smoke'], securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } }] } } },
      ], { credentialId: `JTI=${prng.uuid()}`, sorted: prng.chance(0.3) });
      // The rollout: the controller manager creates the new pods from inside the control plane.
      for (let p = 0; p < 2; p++) {
        const pod = `api-${prng.hex(10)}-${prng.hex(5)}`;
        a.logs.audit(end + (p + 1) * 3 * US_PER_S, this.controllerCreate(ns, pod, image), prng.chance(0.3));
      }
    }
  }

  private controllerCreate(ns: string, name: string, image: string): Record<string, unknown> {
    const { org, prng } = this.a;
    return {
      level: 'Request',
      auditID: prng.uuid(),
      stage: 'ResponseComplete',
      requestURI: `/api/v1/namespaces/${ns}/pods`,
      verb: 'create',
      user: { username: org.controller.username, groups: org.controller.groups, extra: { 'authentication.kubernetes.io/credential-id': [org.controller.credentialId] } },
      sourceIPs: [org.apiserver.ip],
      userAgent: org.controller.userAgent,
      objectRef: { resource: 'pods', namespace: ns, name, apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: ns, labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image, securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } }] } },
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"' },
    };
  }

  /** Kubelets report hourly; projected service-account tokens are refreshed hourly (a new token id each time). */
  private cluster(day: DayContext): void {
    const { a } = this;
    const { prng, org } = a;
    for (let h = 0; h < 24; h++) {
      const hour = day.start + h * US_PER_H;
      org.nodeIdentities.forEach((who, i) => {
        const node = org.nodes[i] as Host;
        a.kubectl(hour + prng.int(0, 50 * US_PER_MIN), who, node.ip, [{ verb: 'patch', resource: 'nodes', name: `node-${i + 1}`, subresource: 'status', requestObject: { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, reason: '' }], { sorted: prng.chance(0.3) });
      });
      for (const sa of org.serviceAccounts) {
        const req: KubeRequest = { verb: sa.verb, resource: sa.resource, credentialId: `JTI=${prng.uuid()}`, reason: `RBAC: allowed by ClusterRoleBinding "${sa.who.username.split(':').pop() ?? ''}" of ClusterRole "view" to ServiceAccount "${sa.who.username.split(':').pop() ?? ''}/${sa.namespace ?? 'kube-system'}"` };
        if (sa.namespace !== undefined) req.namespace = sa.namespace;
        a.kubectl(hour + prng.int(0, 50 * US_PER_MIN), sa.who, sa.src, [req], { sorted: prng.chance(0.3) });
      }
    }
  }

  private eastWest(day: DayContext): void {
    const { a } = this;
    const { prng, org } = a;
    const apps = org.internal.filter((h) => h.name.startsWith('app-'));
    const dbs = org.internal.filter((h) => h.name.startsWith('db-'));
    const monitor = org.internal.find((h) => h.name === 'monitor-1') as Host;
    for (let i = 0; i < scaled(VOLUME.eastWest, day.scale); i++) {
      const t = day.start + Math.floor(prng.next() * US_PER_DAY);
      switch (i % 5) {
        case 0:
        case 1:
          a.connect(t, prng.pick(apps).ip, a.ephemeral(), prng.pick(dbs).ip, prng.pick([5432, 6379]), prng.int(1, 600), prng.int(2, 900));
          break;
        case 2:
          a.connect(t, monitor.ip, a.ephemeral(), prng.pick(org.nodes).ip, 10250, 1, 40);
          break;
        case 3:
          a.connect(t, prng.pick(org.nodes).ip, a.ephemeral(), org.apiserver.ip, 6443, prng.int(1, 3600), prng.int(10, 400));
          break;
        default:
          a.connect(t, monitor.ip, a.ephemeral(), prng.pick(org.hosts).ip, 9100, 1, 30);
      }
    }
    // The nightly configuration run reaches every internal host over SSH; cron writes to every auth.log.
    const ansibleKey = `ED25519 ${org.ci.fingerprint.slice(0, 20)}${org.ansible.eni.slice(4, 27)}`;
    for (const h of org.internal) {
      a.sshSession(h, day.start + 2 * US_PER_H + prng.int(0, 40) * US_PER_MIN, 'ansible', 997, org.ansible.ip, ansibleKey);
      for (let c = 0; c < 4; c++) {
        const t = day.start + c * 6 * US_PER_H + 17 * US_PER_MIN;
        const pid = a.nextPid();
        a.logs.syslog(h.name, t, 'CRON', pid, 'pam_unix(cron:session): session opened for user root(uid=0) by root(uid=0)');
        a.logs.syslog(h.name, t + 200_000, 'CRON', pid, 'pam_unix(cron:session): session closed for user root');
      }
    }
  }
}
