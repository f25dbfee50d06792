import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import type { AuditContext } from '../../../src/audit/types.js';
import { terraformAuditor } from '../../../src/audit/terraform/auditor.js';
import { evalExpr, evalString, type EvalScope } from '../../../src/audit/terraform/expr.js';
import { outline, lineIn } from '../../../src/audit/terraform/outline.js';

const ctx: AuditContext = { config: ConfigSchema.parse({}), readFile: () => undefined, glob: () => [] };
const scope: EvalScope = { vars: { a: [1, '0.0.0.0/0'], m: { k: 'v' } }, local: () => 'x', bindings: new Map([['each', { key: 'k', value: 22 }]]) };

// HCL-ish text: real keywords, punctuation and values in random order.
const token = fc.constantFrom(
  'resource', '"aws_security_group"', '"x"', 'aws_eks_cluster', '{', '}', '[', ']', '(', ')', '=', ',', '\n', ' ', 'ingress', 'dynamic', '"ingress"',
  'content', 'for_each', 'cidr_blocks', '"0.0.0.0/0"', 'from_port', '22', 'var.a', 'local.b', '${', '"', '#', '//', '/*', '*/', '<<EOF\n', 'EOF\n',
  'variable', 'locals', 'count', '?', ':', 'for', 'in', 'true', '-1', 'vpc_config', 'endpoint_public_access', 'each.value', 'concat(', '...', '=>',
);
const hclish = fc.array(token, { maxLength: 80 }).map((t) => t.join(' '));

describe('terraform pieces never throw', () => {
  beforeAll(() => terraformAuditor.prepare?.());
  it('the auditor on HCL-ish and arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(hclish, fc.string({ maxLength: 300 })), (text) => {
        const r = terraformAuditor.audit('fuzz.tf', text, ctx);
        for (const f of r.findings) expect('line' in f.location && f.location.line >= 1).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('the expression evaluator on arbitrary and HCL-ish expressions', () => {
    fc.assert(
      fc.property(fc.oneof(hclish, fc.string({ maxLength: 200 })), (src) => {
        evalExpr(src, scope);
        evalString(`\${${src}}`, scope);
        evalString(src, scope);
      }),
      { numRuns: 400 },
    );
  });

  it('the outline scanner on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(hclish, fc.string({ maxLength: 400 })), fc.array(fc.oneof(fc.string(), fc.nat(5)), { maxLength: 6 }), (text, path) => {
        const root = outline(text);
        for (const b of root.children) expect(lineIn(b, path)).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
