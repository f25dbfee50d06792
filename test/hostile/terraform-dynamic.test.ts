import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditPaths } from '../../src/audit/engine.js';
import { defaultConfig } from '../../src/config/load.js';
import { MAX_DYNAMIC_BLOCKS } from '../../src/audit/terraform/resources.js';

/** A security group whose ingress is `depth` dynamic blocks nested in each other, each over two items. */
function nestedDynamic(depth: number): string {
  let inner = 'from_port = 22\n to_port = 22\n protocol = "tcp"\n cidr_blocks = ["0.0.0.0/0"]\n';
  for (let i = 0; i < depth; i++) inner = `dynamic "ingress" {\n for_each = [1, 2]\n content {\n ${inner} }\n}\n`;
  return `resource "aws_security_group" "sg" {\n name = "x"\n ${inner}}\n`;
}

async function auditTf(tf: string) {
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-tf-'));
  writeFileSync(join(dir, 'main.tf'), tf);
  return auditPaths([dir], { config: defaultConfig() });
}

describe('Terraform dynamic blocks are expanded within a bound', () => {
  it('a dynamic ingress is still expanded and judged', async () => {
    const r = await auditTf(nestedDynamic(1));
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.problems).toEqual([]);
  });

  it('nesting 200 deep ends, and says which blocks were not expanded', async () => {
    const r = await auditTf(nestedDynamic(200));
    const notes = r.problems.filter((p) => /not expanded/.test(p.message));
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0]).toMatchObject({ field: 'aws_security_group.sg', message: expect.stringContaining(`more than ${MAX_DYNAMIC_BLOCKS} dynamic blocks`) });
    // Reported once per block in the file, not once per time it was reached.
    expect(new Set(notes.map((n) => n.line)).size).toBe(notes.length);
  }, 120_000);
});
