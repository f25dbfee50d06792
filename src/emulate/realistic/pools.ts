/**
 * Source networks of the realistic profile, by what comes from them. Each range and its ASN is one
 * row of @ip-location-db/asn (asn-ipv4.csv); test/emulate/networks.test.ts re-checks every one, so a
 * data update that moves a range fails loudly instead of mislabelling.
 */
import type { SourceNetwork } from '../networks.js';

type Pool = readonly SourceNetwork[];

const n = (id: string, kind: SourceNetwork['kind'], asn: number, owner: string, first: string, last: string): SourceNetwork => ({ id, kind, asn, owner, first, last });

/** Research scanners that sweep the Internet every day from a few fixed ranges (learned in history). */
export const RESEARCH_SCANNERS: Pool = [
  n('censys', 'hosting', 398324, 'Censys, Inc.', '206.168.32.0', '206.168.35.255'),
  n('driftnet', 'hosting', 211298, 'Driftnet Ltd', '195.96.139.0', '195.96.139.255'),
  n('hurricane', 'hosting', 6939, 'Hurricane Electric LLC', '184.104.0.0', '184.104.177.255'),
];

/** Hosting and VPS networks: opportunistic scanners, brute forcers, and attackers' boxes. */
export const HOSTING: Pool = [
  n('digitalocean-46', 'hosting', 14061, 'DigitalOcean, LLC', '46.101.0.0', '46.101.255.255'),
  n('digitalocean-209', 'hosting', 14061, 'DigitalOcean, LLC', '209.38.0.0', '209.38.255.255'),
  n('tencent', 'hosting', 132203, 'Shenzhen Tencent Computer Systems Company Limited', '43.159.128.0', '43.167.255.255'),
  n('alibaba', 'hosting', 45102, 'Alibaba (US) Technology Co., Ltd.', '47.77.128.0', '47.87.23.255'),
  n('ovh-57', 'hosting', 16276, 'OVH SAS', '57.128.0.0', '57.131.255.255'),
  n('hetzner-49', 'hosting', 24940, 'Hetzner Online GmbH', '49.12.0.0', '49.13.255.255'),
  n('akamai-172', 'hosting', 63949, 'Akamai Technologies, Inc.', '172.235.128.0', '172.239.255.255'),
  n('m247-146', 'hosting', 9009, 'M247 Europe SRL', '146.70.8.0', '146.70.215.255'),
  n('contabo', 'hosting', 51167, 'Contabo GmbH', '161.97.64.0', '161.97.189.255'),
  n('google-cloud', 'cloud', 396982, 'Google LLC', '34.6.0.0', '34.100.255.255'),
];

/** Residential and carrier networks where infected devices scan and guess passwords. */
export const BOTNET: Pool = [
  n('chinanet-115', 'residential', 4134, 'Chinanet', '115.200.224.0', '115.219.255.255'),
  n('unicom', 'residential', 4837, 'CHINA UNICOM China169 Backbone', '39.64.0.0', '39.95.255.255'),
  n('vnpt', 'residential', 45899, 'VNPT Corp', '14.160.0.0', '14.191.255.255'),
  n('korea-telecom', 'residential', 4766, 'Korea Telecom', '175.214.184.0', '175.255.255.255'),
  n('china-mobile', 'residential', 9808, 'China Mobile', '36.181.64.0', '36.191.255.255'),
  n('rostelecom', 'residential', 12389, 'PJSC Rostelecom', '178.64.0.0', '178.71.255.255'),
];

/** Consumer broadband and mobile networks: the public web site's and API's visitors, and employees at home. */
export const CONSUMER: Pool = [
  n('comcast-73', 'residential', 7922, 'Comcast Cable Communications, LLC', '73.0.0.0', '73.255.255.255'),
  n('dtag-93', 'residential', 3320, 'Deutsche Telekom AG', '93.192.0.0', '93.255.255.255'),
  n('bt', 'residential', 2856, 'British Telecommunications PLC', '86.128.0.0', '86.191.255.255'),
  n('att', 'residential', 7018, 'AT&T Enterprises, LLC', '99.22.226.0', '99.75.191.255'),
  n('t-mobile', 'residential', 21928, 'T-Mobile USA, Inc.', '100.128.0.0', '100.255.255.255'),
  n('orange', 'residential', 3215, 'Orange S.A.', '90.0.0.0', '90.36.127.255'),
  n('charter', 'residential', 20115, 'Charter Communications', '75.131.186.0', '75.140.127.255'),
  n('verizon', 'residential', 701, 'Verizon Business', '71.97.212.0', '71.127.255.255'),
  n('telefonica', 'residential', 3352, 'TELEFONICA DE ESPANA S.A.U.', '88.0.0.0', '88.31.255.255'),
  n('telecom-italia', 'residential', 3269, 'Telecom Italia S.p.A.', '79.0.0.0', '79.63.255.255'),
];

/** Hosted CI runners: a fresh VM, usually in a fresh /24, for every job. */
export const CI_CLOUD: Pool = [
  n('azure-20', 'cloud', 8075, 'Microsoft Corporation', '20.47.128.0', '20.127.255.255'),
  n('aws-3', 'cloud', 16509, 'Amazon.com, Inc.', '3.96.0.0', '3.207.255.255'),
];

/** The branch office's business line (an ISP range the configuration does not list). */
export const BRANCH_OFFICE: SourceNetwork = n('bt-business', 'residential', 2856, 'British Telecommunications PLC', '81.128.0.0', '81.159.255.255');

export const POOLS: Pool = [...RESEARCH_SCANNERS, ...HOSTING, ...BOTNET, ...CONSUMER, ...CI_CLOUD, BRANCH_OFFICE];

export function pool(id: string): SourceNetwork {
  const found = POOLS.find((p) => p.id === id);
  if (!found) throw new Error(`unknown realistic-profile network ${id}`);
  return found;
}
