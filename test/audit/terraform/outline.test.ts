import { describe, expect, it } from 'vitest';
import { findResource, lineIn, outline } from '../../../src/audit/terraform/outline.js';

const text = `# comment { not a block
resource "aws_security_group" "a" {
  description = "braces { in } strings and \${var.x} templates"
  tags = {
    Name = "a"
  }
  user_data = <<EOF
ingress {
  cidr_blocks = ["0.0.0.0/0"]
}
EOF
  ingress {
    from_port   = 22
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress { from_port = 443 }
  dynamic "ingress" {
    for_each = [1]
    content {
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
/* block
comment */
resource aws_eks_cluster "b" {
  vpc_config {
    subnet_ids = []
  }
}
`;

describe('outline', () => {
  const root = outline(text);

  it('finds resources with quoted and bare type labels', () => {
    expect(findResource(root, 'aws_security_group', 'a')?.line).toBe(2);
    expect(findResource(root, 'aws_eks_cluster', 'b')?.line).toBe(26);
  });

  it('skips heredocs, strings and object attributes when looking for blocks', () => {
    const a = findResource(root, 'aws_security_group', 'a');
    expect(a?.children.filter((c) => c.type === 'ingress')).toHaveLength(2);
    expect(a?.attrs.get('user_data')).toBe(7);
  });

  it('maps hcl2json-shaped paths to lines', () => {
    const a = findResource(root, 'aws_security_group', 'a');
    if (!a) throw new Error('resource not found');
    expect(lineIn(a, ['ingress', 0, 'cidr_blocks'])).toBe(14);
    expect(lineIn(a, ['ingress', 1, 'from_port'])).toBe(16);
    expect(lineIn(a, ['dynamic', 'ingress', 0, 'content', 0, 'cidr_blocks'])).toBe(20);
    expect(lineIn(a, ['ingress', 5, 'cidr_blocks'])).toBe(2);
    expect(lineIn(a, ['missing'])).toBe(2);
  });
});
