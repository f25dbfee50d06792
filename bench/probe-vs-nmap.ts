/**
 * probe/vs-nmap — Drawbridge's probe and nmap (-sV plus the matching NSE scripts) over the same
 * loopback estate of real servers (OpenSSH ×3, Prometheus ×2, nginx TLS gateways ×2, HAProxy stats ×2,
 * etcd ×2, dockerd ×2 when root, one closed port). Reports the wall-time ratio nmap / Drawbridge
 * and, for every endpoint × claim, whether each tool made the claim and whether it was true.
 * Target: ≥ 5× faster than nmap, at least its recall, none of its false claims.
 * Usage: npx tsx bench/probe-vs-nmap.ts [--quick] [--runs N] [--nmap-runs N] [--no-docker]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema } from '../src/config/schema.js';
import { runProbe } from '../src/probe/scheduler.js';
import type { Observation } from '../src/probe/types.js';
import { have, intFlag, machineInfo, median, parseFlags, printMachine, printTable, REPO_DIR, round, runChild, toolVersion, writeResult } from './lib/common.js';
import { parseNmapXml, type NmapPort } from './lib/nmap-xml.js';
import { startEstate, type Claim, type Endpoint } from './lib/services.js';

const NSE_SCRIPTS = ['ssh-auth-methods', 'ssh2-enum-algos', 'http-title', 'ssl-cert', 'docker-version'];

/** Algorithms the bench counts as weak when nmap lists them (SHA-1 key exchange and MACs, CBC, MD5, 64-bit MAC tags, RC4, DSA). */
const WEAK_SSH = new Set([
  'diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1',
  '3des-cbc', 'aes128-cbc', 'aes192-cbc', 'aes256-cbc', 'blowfish-cbc', 'cast128-cbc', 'arcfour', 'arcfour128', 'arcfour256',
  'hmac-md5', 'hmac-md5-96', 'hmac-md5-etm@openssh.com', 'hmac-md5-96-etm@openssh.com', 'ssh-dss',
  'hmac-sha1', 'hmac-sha1-etm@openssh.com', 'umac-64@openssh.com', 'umac-64-etm@openssh.com',
]);

const CLAIMS: { claim: Claim; words: string; drawbridge: string; nmap: (p: NmapPort) => boolean; nmapReading: string }[] = [
  {
    claim: 'ssh-password-auth',
    words: 'SSH password authentication offered',
    drawbridge: 'probe.ssh.password-auth',
    nmap: (p) => /^\s*password\s*$/m.test(p.scripts['ssh-auth-methods'] ?? ''),
    nmapReading: 'ssh-auth-methods lists "password"',
  },
  {
    claim: 'ssh-weak-algorithms',
    words: 'SSH server offers weak algorithms',
    drawbridge: 'probe.ssh.weak-algorithms',
    nmap: (p) => (p.scripts['ssh2-enum-algos'] ?? '').split('\n').some((l) => WEAK_SSH.has(l.trim())),
    nmapReading: 'ssh2-enum-algos lists a SHA-1 kex or MAC, CBC cipher, MD5 or 64-bit-tag MAC, RC4 or DSA',
  },
  {
    claim: 'prometheus-open',
    words: 'Prometheus reachable without authentication',
    drawbridge: 'probe.http.prometheus.open',
    nmap: (p) => /prometheus/i.test(p.scripts['http-title'] ?? '') || /prometheus/i.test(p.product ?? ''),
    nmapReading: 'http-title or -sV product names Prometheus',
  },
  {
    claim: 'prometheus-admin-api',
    words: 'Prometheus admin API enabled',
    drawbridge: 'probe.http.prometheus.admin-api',
    nmap: (p) => Object.values(p.scripts).some((o) => o.includes('/api/v1/admin')),
    nmapReading: 'any script output names /api/v1/admin (no NSE script checks it)',
  },
  {
    claim: 'haproxy-stats-open',
    words: 'HAProxy stats page open without authentication',
    drawbridge: 'probe.http.haproxy-stats.open',
    nmap: (p) => /Statistics Report for HAProxy/i.test(p.scripts['http-title'] ?? ''),
    nmapReading: 'http-title is the HAProxy statistics report',
  },
  {
    claim: 'haproxy-stats-admin',
    words: 'HAProxy stats in admin mode',
    drawbridge: 'probe.http.haproxy-stats.admin-mode',
    nmap: (p) => Object.values(p.scripts).some((o) => /haproxy/i.test(o) && /admin/i.test(o)),
    nmapReading: 'a script output mentions HAProxy and admin (no NSE script checks it)',
  },
  {
    claim: 'etcd-open',
    words: 'etcd client API open without client certificates',
    drawbridge: 'probe.http.etcd.open',
    nmap: (p) => (/etcd/i.test(p.product ?? '') || /etcd/i.test(p.service ?? '')) && p.tunnel !== 'ssl',
    nmapReading: '-sV names etcd on a port without TLS',
  },
  {
    claim: 'docker-api-open',
    words: 'Docker Engine API open without TLS',
    drawbridge: 'probe.http.docker-engine.open',
    nmap: (p) => p.scripts['docker-version'] !== undefined || ((/docker/i.test(p.product ?? '') || /docker/i.test(p.service ?? '')) && p.tunnel !== 'ssl'),
    nmapReading: 'docker-version answered, or -sV names Docker without TLS',
  },
];

interface Score {
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  recall: number;
  falseClaims: string[];
  products: { correct: number; wrong: string[]; none: number };
}

function score(endpoints: Endpoint[], asserted: (ep: Endpoint, c: Claim) => boolean, product: (ep: Endpoint) => string | undefined): Score {
  let tp = 0;
  let fn = 0;
  const falseClaims: string[] = [];
  const products = { correct: 0, wrong: [] as string[], none: 0 };
  for (const ep of endpoints) {
    for (const c of CLAIMS) {
      const truth = ep.truths.includes(c.claim);
      const said = asserted(ep, c.claim);
      if (truth && said) tp++;
      else if (truth) fn++;
      else if (said) falseClaims.push(`${c.claim} on ${ep.name}`);
    }
    if (ep.product) {
      const p = product(ep);
      if (!p) products.none++;
      else if (new RegExp(ep.product, 'i').test(p)) products.correct++;
      else products.wrong.push(`${ep.name}: "${p}"`);
    }
  }
  return { truePositives: tp, falseNegatives: fn, falsePositives: falseClaims.length, recall: tp + fn > 0 ? round(tp / (tp + fn), 3) : 1, falseClaims, products };
}

async function runDrawbridge(endpoints: Endpoint[]): Promise<{ ms: number; observations: Observation[] }> {
  const config = ConfigSchema.parse({});
  const t0 = performance.now();
  const r = await runProbe(['127.0.0.1'], { config, ports: endpoints.map((e) => e.port) });
  return { ms: performance.now() - t0, observations: r.observations };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const q = flags.quick;
  const runs = intFlag(flags, 'runs', q ? 1 : 3);
  const nmapRuns = intFlag(flags, 'nmap-runs', 1);
  const docker = !flags.values.has('no-docker') && !q;

  const machine = machineInfo({
    nmap: toolVersion('nmap', ['--version']),
    openssh: toolVersion('/usr/sbin/sshd', ['-V']),
    nginx: toolVersion('nginx', ['-v']),
    haproxy: toolVersion('haproxy', ['-v']),
    prometheus: toolVersion('prometheus', ['--version']),
    etcd: toolVersion('etcd', ['--version']),
    dockerd: toolVersion('dockerd', ['--version']),
  });
  printMachine(machine);
  if (!have('nmap')) throw new Error('nmap is not installed (apt-get install nmap)');

  console.log('starting loopback servers…');
  const t0 = performance.now();
  const estate = await startEstate({ docker });
  const work = mkdtempSync(join(tmpdir(), 'drawbridge-bench-probe-'));
  try {
    const { endpoints } = estate;
    console.log(`started ${endpoints.length - 1} servers in ${round((performance.now() - t0) / 1000, 1)} s${estate.skipped.length > 0 ? `; skipped: ${estate.skipped.join(', ')}` : ''}`);
    const ports = endpoints.map((e) => e.port);
    printTable([['endpoint', 'port', 'what', 'true claims'], ...endpoints.map((e) => [e.name, String(e.port), e.what, e.truths.join(', ') || '-'])]);

    // Drawbridge in-process (default settings: timeout 5 s, concurrency 64, rate 200/s).
    const dbTimes: number[] = [];
    let observations: Observation[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runDrawbridge(endpoints);
      dbTimes.push(r.ms);
      observations = r.observations;
      console.log(`  drawbridge (in-process) #${i + 1}: ${round(r.ms / 1000, 2)} s`);
    }
    // Drawbridge as a whole CLI process (node + TypeScript loader + catalogue load included).
    const cli = await runChild(process.execPath, ['--import', 'tsx', join(REPO_DIR, 'src/cli/bin.ts'), 'probe', '127.0.0.1', '-p', ports.join(','), '-f', 'json', '--fail-on', 'critical']);
    if (cli.code !== 0 && cli.code !== 1) throw new Error(`drawbridge CLI failed (${cli.code}): ${cli.stderr.slice(-2000)}`);
    console.log(`  drawbridge (CLI, whole process): ${round(cli.wallMs / 1000, 2)} s`);

    // nmap with -sV and the NSE scripts that answer the same questions; -n: no DNS; -Pn: no ping.
    const nmapTimes: number[] = [];
    let nmapPorts: NmapPort[] = [];
    const xml = join(work, 'nmap.xml');
    const nmapArgs = ['-n', '-Pn', '-sV', '-p', ports.join(','), '--script', NSE_SCRIPTS.join(','), '-oX', xml, '127.0.0.1'];
    for (let i = 0; i < nmapRuns; i++) {
      const r = await runChild('nmap', nmapArgs);
      if (r.code !== 0) throw new Error(`nmap failed (${r.code}): ${r.stderr.slice(-2000)}`);
      nmapTimes.push(r.wallMs);
      nmapPorts = parseNmapXml(readFileSync(xml, 'utf8'));
      console.log(`  nmap #${i + 1}: ${round(r.wallMs / 1000, 2)} s`);
    }

    const obsOf = (ep: Endpoint): Observation | undefined => observations.find((o) => o.endpoint.port === ep.port);
    const nmapOf = (ep: Endpoint): NmapPort | undefined => nmapPorts.find((p) => p.port === ep.port && p.state === 'open');
    const dbSays = (ep: Endpoint, c: Claim): boolean => {
      const rule = CLAIMS.find((x) => x.claim === c)?.drawbridge;
      return (obsOf(ep)?.findings ?? []).some((f) => f.rule === rule);
    };
    const nmapSays = (ep: Endpoint, c: Claim): boolean => {
      const p = nmapOf(ep);
      return p !== undefined && (CLAIMS.find((x) => x.claim === c)?.nmap(p) ?? false);
    };
    const dbScore = score(endpoints, dbSays, (ep) => obsOf(ep)?.product);
    const nmapScore = score(endpoints, nmapSays, (ep) => nmapOf(ep)?.product);

    // Per expected finding: did each tool report it?
    const findingRows: string[][] = [];
    for (const ep of endpoints) {
      for (const c of CLAIMS) {
        const truth = ep.truths.includes(c.claim);
        const d = dbSays(ep, c.claim);
        const n = nmapSays(ep, c.claim);
        if (!truth && !d && !n) continue;
        const mark = (said: boolean): string => (truth ? (said ? 'reported' : 'MISSED') : said ? 'FALSE CLAIM' : '-');
        findingRows.push([`${c.words} on :${ep.port} (${ep.name})`, truth ? 'yes' : 'no', mark(d), mark(n)]);
      }
    }
    const productRows = endpoints
      .filter((e) => e.product)
      .map((e) => [e.name, obsOf(e)?.product ? `${obsOf(e)?.product} ${obsOf(e)?.version ?? ''}`.trim() : '-', nmapOf(e)?.product ? `${nmapOf(e)?.product} ${nmapOf(e)?.version ?? ''}`.trim() : (nmapOf(e)?.service ?? '-')]);

    const dbMs = median(dbTimes);
    const nmapMs = median(nmapTimes);
    const ratios = {
      'wall time nmap / drawbridge (in-process, median)': round(nmapMs / dbMs, 2),
      'wall time nmap / drawbridge (CLI whole process)': round(nmapMs / cli.wallMs, 2),
      'recall drawbridge - nmap': round(dbScore.recall - nmapScore.recall, 3),
    };
    const targets = {
      'at least 5x faster (in-process)': nmapMs / dbMs >= 5,
      'at least 5x faster (CLI)': nmapMs / cli.wallMs >= 5,
      'recall at least nmap\'s': dbScore.recall >= nmapScore.recall,
      'no false claims': dbScore.falsePositives === 0,
    };

    console.log('\nexpected findings (and any false claim) per endpoint:');
    printTable([['claim', 'true', 'drawbridge', 'nmap'], ...findingRows]);
    console.log('\nproducts identified:');
    printTable([['endpoint', 'drawbridge', 'nmap -sV'], ...productRows]);
    console.log('\nsummary:');
    printTable([
      ['tool', 'wall s (median)', 'recall', 'true pos', 'missed', 'false claims', 'products right/wrong/none'],
      ['drawbridge (in-process)', dbMs / 1000, dbScore.recall, dbScore.truePositives, dbScore.falseNegatives, dbScore.falsePositives, `${dbScore.products.correct}/${dbScore.products.wrong.length}/${dbScore.products.none}`],
      ['drawbridge (CLI)', cli.wallMs / 1000, '', '', '', '', ''],
      ['nmap', nmapMs / 1000, nmapScore.recall, nmapScore.truePositives, nmapScore.falseNegatives, nmapScore.falsePositives, `${nmapScore.products.correct}/${nmapScore.products.wrong.length}/${nmapScore.products.none}`],
    ]);
    console.log('\nratios:');
    printTable([['ratio', 'value'], ...Object.entries(ratios).map(([k, v]) => [k, v])]);
    console.log('\ntargets:');
    for (const [k, v] of Object.entries(targets)) console.log(`  ${v ? 'met    ' : 'NOT met'}  ${k}`);
    for (const f of [...dbScore.falseClaims.map((x) => `drawbridge: ${x}`), ...nmapScore.falseClaims.map((x) => `nmap: ${x}`)]) console.log(`  false claim — ${f}`);

    const file = writeResult('probe-vs-nmap', {
      bench: 'probe-vs-nmap',
      date: new Date().toISOString(),
      quick: q,
      machine,
      skipped: estate.skipped,
      endpoints,
      commands: { nmap: ['nmap', ...nmapArgs.map((a) => (a === xml ? 'OUT.xml' : a))].join(' '), drawbridge: `runProbe(['127.0.0.1'], { config: defaults, ports: [${ports.length} ports] })` },
      claims: CLAIMS.map((c) => ({ claim: c.claim, words: c.words, drawbridgeRule: c.drawbridge, nmapReading: c.nmapReading })),
      times: { drawbridgeMs: dbTimes.map((t) => round(t, 1)), drawbridgeCliMs: round(cli.wallMs, 1), nmapMs: nmapTimes.map((t) => round(t, 1)) },
      scores: { drawbridge: dbScore, nmap: nmapScore },
      ratios,
      targets,
      findings: findingRows.map(([claim, truth, drawbridge, nmap]) => ({ claim, truth, drawbridge, nmap })),
      products: productRows.map(([endpoint, drawbridge, nmap]) => ({ endpoint, drawbridge, nmap })),
      raw: {
        drawbridge: observations.map((o) => ({ port: o.endpoint.port, outcome: o.outcome, product: o.product, version: o.version, auth: o.auth, rules: o.findings.map((f) => f.rule) })),
        nmap: nmapPorts,
      },
    });
    console.log(`\nwrote ${file}`);
  } finally {
    await estate.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
