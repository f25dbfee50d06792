resource "aws_vpc_security_group_ingress_rule" "grafana" {
  security_group_id = aws_security_group.monitoring.id
  from_port         = var.grafana_port
  to_port           = var.grafana_port
  ip_protocol       = "tcp"
  cidr_ipv4         = var.viewer_cidr
}

resource "aws_vpc_security_group_ingress_rule" "everything_v6" {
  security_group_id = aws_security_group.monitoring.id
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}

resource "aws_security_group" "monitoring" {
  name = "monitoring"
}
