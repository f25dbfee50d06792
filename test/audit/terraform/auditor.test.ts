import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import type { AuditContext } from '../../../src/audit/types.js';
import { terraformAuditor } from '../../../src/audit/terraform/auditor.js';
import { terraformPlanAuditor } from '../../../src/audit/terraform/plan.js';

function memCtx(files: Record<string, string>, org: Record<string, unknown> = {}): AuditContext {
  return {
    config: ConfigSchema.parse({ organisation: org }),
    readFile: (p) => files[p],
    glob: (pattern) => {
      const suffix = pattern.replace(/^.*\*/, '');
      const dir = pattern.slice(0, pattern.lastIndexOf('/') + 1);
      return Object.keys(files).filter((f) => f.startsWith(dir) && f.endsWith(suffix) && !f.slice(dir.length).includes('/'));
    },
  };
}

const SG = `resource "aws_security_group" "bastion" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.ssh_sources
  }
}
`;

describe('terraformAuditor', () => {
  beforeAll(() => terraformAuditor.prepare?.());
  it('reads variable defaults from the module and overrides from terraform.tfvars', () => {
    const files = {
      'm/main.tf': SG,
      'm/variables.tf': 'variable "ssh_sources" {\n  default = ["10.0.0.0/8"]\n}\n',
    };
    expect(terraformAuditor.audit('m/main.tf', SG, memCtx(files)).findings).toEqual([]);
    const withVars = { ...files, 'm/terraform.tfvars': 'ssh_sources = ["0.0.0.0/0"]\n' };
    const [f] = terraformAuditor.audit('m/main.tf', SG, memCtx(withVars)).findings;
    expect(f?.location).toEqual({ file: 'm/main.tf', line: 6 });
    expect(f?.severity).toBe('high');
    expect(f?.subTechnique).toBe('ssh-access');
    expect(f?.control).toBe('M1037');
    expect(f?.technique).toBe('AT-GA003');
    expect(f?.remediation).toContain('cidr_blocks = ["<your VPN range>"]');
    expect(f?.remediation).toContain('line 6');
    expect(f?.evidence).toMatchObject({ protocol: 'tcp', ports: '22', sources: [{ source: '0.0.0.0/0', class: 'world' }] });
  });

  it('does not judge a source that is only known at apply time, and says so for dynamic blocks', () => {
    const text = `resource "aws_security_group" "x" {
  dynamic "ingress" {
    for_each = data.external.rules.result
    content {
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
`;
    const r = terraformAuditor.audit('x/main.tf', text, memCtx({ 'x/main.tf': text }));
    expect(r.findings).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ file: 'x/main.tf', line: 3, message: expect.stringContaining('dynamic "ingress"') })]);
  });

  it('reports invalid HCL as a problem with its line, not an exception', () => {
    const text = 'resource "aws_security_group" "x" {\n  ingress = \n}\n';
    const r = terraformAuditor.audit('bad.tf', text, memCtx({}));
    expect(r.findings).toEqual([]);
    expect(r.problems[0]).toMatchObject({ file: 'bad.tf', line: 2 });
  });

  it('gives the same finding id for the same input', () => {
    const text = SG.replace('var.ssh_sources', '["0.0.0.0/0"]');
    const a = terraformAuditor.audit('a.tf', text, memCtx({}));
    const b = terraformAuditor.audit('a.tf', text, memCtx({}));
    expect(a.findings.map((f) => f.id)).toEqual(b.findings.map((f) => f.id));
    expect(a.findings).toHaveLength(1);
  });

  it('treats an allow-listed public range as the organisation and a narrow unlisted one as its own low finding', () => {
    const text = SG.replace('var.ssh_sources', '["198.51.100.0/24", "203.0.113.9/32"]');
    const r = terraformAuditor.audit('a.tf', text, memCtx({}, { allowedRanges: ['198.51.100.0/24'] }));
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ rule: 'tf-unlisted-public-range', severity: 'low', title: expect.stringContaining('open to a public range not in the allow-list') });
    expect(r.findings[0]?.evidence).toMatchObject({ sources: [{ source: '203.0.113.9/32', class: 'public' }] });
  });
});

describe('terraformPlanAuditor', () => {
  it('judges child-module resources and points into the plan JSON', () => {
    const plan = JSON.stringify(
      {
        format_version: '1.2',
        planned_values: {
          root_module: {
            child_modules: [
              {
                address: 'module.k8s',
                resources: [
                  {
                    address: 'module.k8s.aws_eks_cluster.this',
                    mode: 'managed',
                    type: 'aws_eks_cluster',
                    name: 'this',
                    values: { name: 'this', vpc_config: [{ endpoint_private_access: false, endpoint_public_access: true, public_access_cidrs: ['0.0.0.0/0'] }] },
                  },
                ],
              },
            ],
          },
        },
      },
      null,
      2,
    );
    expect(terraformPlanAuditor.recognises('plan.json', plan)).toBe(true);
    const r = terraformPlanAuditor.audit('plan.json', plan, memCtx({}));
    expect(r.findings).toHaveLength(1);
    const line = plan.split('\n').findIndex((l) => l.includes('"public_access_cidrs"')) + 1;
    expect(r.findings[0]).toMatchObject({ rule: 'tf-eks-public-endpoint', asset: 'module.k8s.aws_eks_cluster.this', location: { file: 'plan.json', line } });
  });
});
