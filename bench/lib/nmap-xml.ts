/**
 * Just enough of nmap's -oX output for the probe bench: per port, its state, the -sV service
 * (name, product, version, tunnel) and each NSE script's output text.
 */
export interface NmapPort {
  port: number;
  state: string;
  service?: string;
  product?: string;
  version?: string;
  tunnel?: string;
  scripts: Record<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? '';
  });
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1] as string] = unescapeXml(m[2] as string);
  return out;
}

export function parseNmapXml(xml: string): NmapPort[] {
  const ports: NmapPort[] = [];
  for (const m of xml.matchAll(/<port\b([^>]*)>([\s\S]*?)<\/port>/g)) {
    const head = attrs(m[1] as string);
    const body = m[2] as string;
    const state = /<state\b([^>]*)\/?>/.exec(body);
    const service = /<service\b([^>]*?)\/?>/.exec(body);
    const sv = service ? attrs(service[1] as string) : {};
    const scripts: Record<string, string> = {};
    for (const s of body.matchAll(/<script\b([^>]*?)(\/>|>)/g)) {
      const a = attrs(s[1] as string);
      if (a.id) scripts[a.id] = a.output ?? '';
    }
    ports.push({
      port: Number(head.portid),
      state: state ? (attrs(state[1] as string).state ?? 'unknown') : 'unknown',
      ...(sv.name ? { service: sv.name } : {}),
      ...(sv.product ? { product: sv.product } : {}),
      ...(sv.version ? { version: sv.version } : {}),
      ...(sv.tunnel ? { tunnel: sv.tunnel } : {}),
      scripts,
    });
  }
  return ports;
}
