variable "grafana_port" {
  type    = number
  default = 3000
}

variable "viewer_cidr" {
  type    = string
  default = "10.0.0.0/8"
}
