/**
 * The VPC flow pre-check (DecodeContext.flowPorts): with it, a flow the detectors cannot use is
 * answered [] before an event is built. What it must never change: every record decodes to what the
 * full decoder gives, less exactly the flows that do not matter — rejections, headers and the flows
 * that matter are untouched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { awsVpcFlowDecoder, flowMatters } from '../../../src/detect/decoders/aws-vpc-flow.js';
import { isRejection, type DecodeResult } from '../../../src/detect/types.js';
import { servicesByPort } from '../../../src/catalog/services.js';
import { Surface } from '../../../src/surface/surface.js';
import type { DrawbridgeEvent, RecordRef } from '../../../src/model/event.js';
import { fixturesOf } from './fixture-dirs.js';

const PORTS = new Surface([], { managementPorts: servicesByPort() }).flowPorts()!;

function matters(e: DrawbridgeEvent): boolean {
  return e.kind === 'flow' && flowMatters(PORTS, e.action === 'accept', e.dstPort);
}

/** Each line's result, decoded with and without the pre-check by two decoders fed the same lines. */
function bothWays(lines: readonly string[], fields?: string[]): { full: DecodeResult; checked: DecodeResult }[] {
  const full = awsVpcFlowDecoder.open('t', fields ? { fields } : {});
  const checked = awsVpcFlowDecoder.open('t', { ...(fields ? { fields } : {}), flowPorts: PORTS });
  const out: { full: DecodeResult; checked: DecodeResult }[] = [];
  lines.forEach((l, i) => {
    const ref: RecordRef = { source: 't', offset: i * 100, line: i + 1 };
    out.push({ full: full.line(l, ref), checked: checked.line(l, ref) });
  });
  if (full.end && checked.end) out.push({ full: full.end({ source: 't', offset: 0, line: 0 }), checked: checked.end({ source: 't', offset: 0, line: 0 }) });
  return out;
}

/** Whether the pre-check changed nothing but dropping flows that do not matter; counts what it dropped. */
function agree(results: { full: DecodeResult; checked: DecodeResult }[]): number {
  let dropped = 0;
  for (const { full, checked } of results) {
    if (isRejection(full)) {
      expect(checked).toEqual(full);
      continue;
    }
    expect(isRejection(checked)).toBe(false);
    const kept = full.filter(matters);
    expect(checked).toEqual(kept);
    dropped += full.length - kept.length;
  }
  return dropped;
}

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const odd = fc.constantFrom('-', '', 'x', '65536', '00', '1e3', '999999999999999999', '2001:db8::1', '256.1.1.1', '1.2.3', 'OK');
const token = (good: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof({ weight: 60, arbitrary: good }, { weight: 1, arbitrary: odd });
const port = fc.oneof(fc.constantFrom(22, 443, 80, 6443, 2375, 10250, 3389, 8080, 53, 5432), fc.integer({ min: 0, max: 65535 })).map(String);
const record = fc
  .tuple(
    token(fc.constantFrom('2', '3', '5')),
    token(fc.constantFrom('123456789012', 'unknown')),
    token(fc.constantFrom('eni-0a1b2c3d4e5f60718', 'eni-1')),
    token(fc.oneof(ipv4, fc.constant('2001:db8::9'))),
    token(fc.oneof(ipv4, fc.constant('2001:db8:1::20'))),
    token(port),
    token(port),
    token(fc.constantFrom('6', '17', '1', '300')),
    token(fc.nat(5000).map(String)),
    token(fc.nat(1_000_000).map(String)),
    token(fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }).map(String)),
    token(fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }).map(String)),
    token(fc.constantFrom('ACCEPT', 'ACCEPT', 'REJECT', 'accept')),
    token(fc.constantFrom('OK', 'OK', 'OK', 'NODATA', 'SKIPDATA', 'FAIL')),
  )
  .chain((fields) => fc.tuple(fc.constant(fields), fc.constantFrom(' ', ' ', ' ', '  ', '\t'), fc.integer({ min: 0, max: 3 })))
  .map(([fields, sep, cut]) => fields.slice(0, fields.length - (cut === 3 ? 2 : 0)).join(sep));
const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

describe('aws-vpc-flow pre-check', () => {
  it('places the catalogue ports: management and shared ports matter, others do not', () => {
    for (const p of [22, 443, 80, 2375, 6443, 10250, 3389, 8080]) expect(PORTS[p]).toBe(1);
    for (const p of [0, 53, 5432, 6379, 9092, 33000]) expect(PORTS[p]).toBe(0);
    expect(flowMatters(PORTS, false, 22)).toBe(false);
    expect(flowMatters(undefined, false, 53)).toBe(true);
    // An explicit endpoint without a port could be any port: no pre-check then.
    const anyPort = new Surface([{ address: '10.0.0.0/8', role: 'management', service: 'ssh', provenance: 'config', why: 'test' }], { managementPorts: servicesByPort() });
    expect(anyPort.flowPorts()).toBeUndefined();
    const withPort = new Surface([{ address: '10.0.0.5', port: 7000, role: 'management', service: 'ssh', provenance: 'config', why: 'test' }], { managementPorts: servicesByPort() });
    expect(withPort.flowPorts()![7000]).toBe(1);
  });

  it('agrees with the full decoder on every fixture', () => {
    const fixtures = fixturesOf(awsVpcFlowDecoder);
    expect(fixtures.length).toBeGreaterThan(0);
    let dropped = 0;
    for (const f of fixtures) {
      const lines = f.text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      dropped += agree(bothWays(lines));
    }
    // The fixtures hold rejected flows to management ports: the check must have dropped something.
    expect(dropped).toBeGreaterThan(0);
  });

  it('agrees with the full decoder on generated lines, with a header, a --fields list or neither', () => {
    let dropped = 0;
    let kept = 0;
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 12 }), fc.constantFrom('none', 'header', 'fields'), (lines, how) => {
        const results = how === 'header' ? bothWays([HEADER, ...lines]) : how === 'fields' ? bothWays(lines, HEADER.split(' ')) : bothWays(lines);
        dropped += agree(results);
        for (const r of results) if (!isRejection(r.checked)) kept += r.checked.length;
      }),
      { numRuns: 800 },
    );
    // Not vacuous: both sides of the check were exercised.
    expect(dropped).toBeGreaterThan(100);
    expect(kept).toBeGreaterThan(50);
  });

  it('filters CloudWatch Logs exports the same way', () => {
    const doc = JSON.stringify({
      events: [
        { message: '2 123456789012 eni-1 203.0.113.9 10.0.1.20 50122 22 6 5 320 1741079702 1741079760 ACCEPT OK' },
        { message: '2 123456789012 eni-1 203.0.113.9 10.0.1.20 50122 5432 6 5 320 1741079702 1741079760 ACCEPT OK' },
        { message: '2 123456789012 eni-1 203.0.113.9 10.0.1.20 50122 22 6 5 320 1741079702 1741079760 REJECT OK' },
      ],
    });
    const [r] = bothWays([doc]);
    expect(agree([r!])).toBe(2);
    expect((r!.checked as DrawbridgeEvent[]).map((e) => e.kind === 'flow' && e.dstPort)).toEqual([22]);
  });
});
