variable "admin_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

locals {
  admin_ports = [22, 2375]
  everyone    = var.admin_cidrs
}

resource "aws_security_group" "admin" {
  name = "admin"

  dynamic "ingress" {
    for_each = local.admin_ports
    iterator = port
    content {
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = local.everyone
    }
  }
}

resource "aws_security_group_rule" "per_port" {
  for_each          = toset(["6443", "80"])
  type              = "ingress"
  from_port         = each.value
  to_port           = each.value
  protocol          = "tcp"
  cidr_blocks       = ["${var.admin_cidrs[0]}"]
  security_group_id = aws_security_group.admin.id
}
