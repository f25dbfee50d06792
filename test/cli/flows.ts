/** A VPC flow log (default v2 layout) of three source ranges connecting to 127.0.0.1:port, a port no catalogue entry names. */
export function flowsTo(port: number): string {
  return (
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n' +
    ['203.0.113.9', '198.51.100.9', '192.0.2.9'].map((src, i) => `2 123456789012 eni-0a1b2c3d4e5f60718 ${src} 127.0.0.1 5012${i} ${port} 6 5 320 ${1741079700 + i * 60} ${1741079760 + i * 60} ACCEPT OK`).join('\n') +
    '\n'
  );
}
