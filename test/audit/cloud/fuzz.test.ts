import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import type { AuditContext, Auditor } from '../../../src/audit/types.js';
import { awsSecurityGroupAuditor } from '../../../src/audit/cloud/aws-sg.js';
import { cloudFormationAuditor } from '../../../src/audit/cloud/cloudformation.js';
import { gcpFirewallAuditor } from '../../../src/audit/cloud/gcp-firewall.js';
import { azureNsgAuditor } from '../../../src/audit/cloud/azure-nsg.js';
import { terraformPlanAuditor } from '../../../src/audit/terraform/plan.js';

const ctx: AuditContext = { config: ConfigSchema.parse({}), readFile: () => undefined, glob: () => [] };

function wellFormed(a: Auditor, file: string, text: string): void {
  const r = a.audit(file, text, ctx);
  for (const f of r.findings) {
    expect(f.technique).toBe('AT-GA003');
    expect('line' in f.location && f.location.line >= 1).toBe(true);
  }
  for (const p of r.problems) expect(p.file).toBe(file);
}

const source = fc.oneof(fc.constantFrom('0.0.0.0/0', '::/0', '10.0.0.0/8', '*', 'Internet', 'VirtualNetwork', '203.0.113.0/24', 'junk', ''), fc.string());
const port = fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom('22', '1-65535', '*', 'x', '3389-3389'));
const proto = fc.constantFrom('tcp', 'udp', '-1', 'all', 'Tcp', '*', '6', 'icmp', 7, null);

const awsDoc = fc.record({
  SecurityGroups: fc.array(
    fc.record({
      GroupId: fc.string(),
      IpPermissions: fc.array(fc.record({ IpProtocol: proto, FromPort: port, ToPort: port, IpRanges: fc.array(fc.record({ CidrIp: source })), Ipv6Ranges: fc.array(fc.record({ CidrIpv6: source })) }, { requiredKeys: [] }), { maxLength: 4 }),
    }, { requiredKeys: [] }),
    { maxLength: 3 },
  ),
});
const gcpDoc = fc.array(fc.record({ name: fc.string(), direction: fc.constantFrom('INGRESS', 'EGRESS', 'x'), priority: port, sourceRanges: fc.array(source), sourceTags: fc.array(fc.string(), { maxLength: 1 }), allowed: fc.array(fc.record({ IPProtocol: proto, ports: fc.array(port) })), denied: fc.array(fc.record({ IPProtocol: proto, ports: fc.array(port) })) }, { requiredKeys: [] }), { maxLength: 4 });
const azureDoc = fc.record({ name: fc.string(), securityRules: fc.array(fc.record({ name: fc.string(), access: fc.constantFrom('Allow', 'Deny', 'x'), direction: fc.constantFrom('Inbound', 'Outbound'), priority: port, protocol: proto, sourceAddressPrefix: source, sourceAddressPrefixes: fc.array(source), destinationPortRange: port, destinationPortRanges: fc.array(port) }, { requiredKeys: [] }), { maxLength: 5 }) });
const cfnDoc = fc.record({ Parameters: fc.dictionary(fc.string(), fc.record({ Default: source }, { requiredKeys: [] })), Resources: fc.dictionary(fc.string(), fc.record({ Type: fc.constantFrom('AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'), Properties: fc.record({ SecurityGroupIngress: fc.array(fc.record({ IpProtocol: proto, FromPort: port, ToPort: port, CidrIp: fc.oneof(source, fc.record({ Ref: fc.string() }), fc.record({ 'Fn::Sub': fc.string() }), fc.record({ 'Fn::Join': fc.anything() })) }, { requiredKeys: [] })), CidrIp: source, IpProtocol: proto }, { requiredKeys: [] }) }, { requiredKeys: [] })) });

describe('cloud auditors never throw', () => {
  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        for (const a of [awsSecurityGroupAuditor, gcpFirewallAuditor, azureNsgAuditor, cloudFormationAuditor, terraformPlanAuditor]) wellFormed(a, 'x.json', text);
      }),
      { numRuns: 200 },
    );
  });

  it('on arbitrary text, including broken JSON and YAML', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        for (const a of [awsSecurityGroupAuditor, gcpFirewallAuditor, azureNsgAuditor, terraformPlanAuditor]) wellFormed(a, 'x.json', text);
        wellFormed(cloudFormationAuditor, 'x.yaml', `Resources: !Ref ${text}\n${text}`);
      }),
      { numRuns: 200 },
    );
  });

  it('on documents shaped like their formats with random values', () => {
    fc.assert(
      fc.property(awsDoc, gcpDoc, azureDoc, cfnDoc, (aws, gcp, az, cfn) => {
        wellFormed(awsSecurityGroupAuditor, 'sg.json', JSON.stringify(aws, null, 1));
        wellFormed(gcpFirewallAuditor, 'fw.json', JSON.stringify(gcp, null, 1));
        wellFormed(azureNsgAuditor, 'nsg.json', JSON.stringify(az, null, 1));
        wellFormed(cloudFormationAuditor, 'cfn.json', JSON.stringify(cfn, null, 1));
      }),
      { numRuns: 80 },
    );
  });
});
