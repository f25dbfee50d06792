import { describe, expect, it } from 'vitest';
import { Unknown, evalExpr, evalString, isUnknown, type EvalScope } from '../../../src/audit/terraform/expr.js';

function scope(vars: Record<string, unknown> = {}, locals: Record<string, unknown> = {}, bindings: Record<string, unknown> = {}): EvalScope {
  return { vars, local: (n) => (n in locals ? locals[n] : new Unknown(`local.${n}`)), bindings: new Map(Object.entries(bindings)) };
}

describe('evalString / evalExpr', () => {
  const s = scope({ cidrs: ['0.0.0.0/0', '10.0.0.0/8'], open: true, ports: { ssh: 22 } }, { vpn: '198.51.100.0/24' }, { port: { key: 0, value: 2375 } });

  it('passes literal text through', () => {
    expect(evalString('tcp', s)).toBe('tcp');
  });

  it('resolves var., local., iterator references and indexes', () => {
    expect(evalString('${var.cidrs}', s)).toEqual(['0.0.0.0/0', '10.0.0.0/8']);
    expect(evalString('${var.cidrs[0]}', s)).toBe('0.0.0.0/0');
    expect(evalString('${local.vpn}', s)).toBe('198.51.100.0/24');
    expect(evalString('${port.value}', s)).toBe(2375);
    expect(evalString('${var.ports["ssh"]}', s)).toBe(22);
    expect(evalString('${var.ports.ssh}', s)).toBe(22);
  });

  it('renders templates when every part is known', () => {
    expect(evalString('${var.cidrs[1]}-x', s)).toBe('10.0.0.0/8-x');
    expect(isUnknown(evalString('${aws_vpc.main.cidr_block}/x', s))).toBe(true);
  });

  it('evaluates conditionals, for expressions and collection functions', () => {
    expect(evalExpr('var.open ? "0.0.0.0/0" : "10.0.0.0/8"', s)).toBe('0.0.0.0/0');
    expect(evalExpr('[for c in var.cidrs : c if c != "10.0.0.0/8"]', s)).toEqual(['0.0.0.0/0']);
    expect(evalExpr('{ for k, v in var.ports : k => v + 1 }', s)).toEqual({ ssh: 23 });
    expect(evalExpr('concat(var.cidrs, ["192.0.2.0/24"])', s)).toEqual(['0.0.0.0/0', '10.0.0.0/8', '192.0.2.0/24']);
    expect(evalExpr('toset(["a", "a", "b"])', s)).toEqual(['a', 'b']);
    expect(evalExpr('length(var.cidrs)', s)).toBe(2);
    expect(evalExpr('lookup(var.ports, "rdp", 3389)', s)).toBe(3389);
    expect(evalExpr('flatten([[1], [2, [3]]])', s)).toEqual([1, 2, 3]);
    expect(evalExpr('-1', s)).toBe(-1);
  });

  it('keeps the whole expression when something is only known at apply time', () => {
    const v = evalExpr('aws_network_acl.main.id', s);
    expect(v).toBeInstanceOf(Unknown);
    expect((v as Unknown).expr).toBe('aws_network_acl.main.id');
    expect(isUnknown(evalExpr('var.missing', s))).toBe(true);
    expect(isUnknown(evalExpr('cidrsubnet(var.cidrs[0], 8, 1)', s))).toBe(true);
    expect(isUnknown(evalExpr('var.open ? aws_x.y : "a"', s))).toBe(true);
  });

  it('returns Unknown for malformed expressions instead of throwing', () => {
    for (const bad of ['[1, 2', 'var.', '{ a = }', '"unterminated', '((((', 'for x in y', '1 +']) {
      expect(isUnknown(evalExpr(bad, s))).toBe(true);
    }
  });
});
