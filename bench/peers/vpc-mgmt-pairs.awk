# First sighting of each (management port, source /24) pair in an AWS VPC flow log (v2 default
# fields, S3 header line first): what a person would script to list who reaches SSH, RDP, the Docker
# API, the Kubernetes API, the kubelet or etcd. Prints "port a.b.c.0/24 srcaddr dstaddr action start".
# Run: mawk -f vpc-mgmt-pairs.awk FILE
BEGIN { mgmt[22]; mgmt[3389]; mgmt[2375]; mgmt[6443]; mgmt[10250]; mgmt[2379] }
NR > 1 && ($7 in mgmt) {
  dot = index($4, ".")
  rest = substr($4, dot + 1)
  dot2 = index(rest, ".")
  rest2 = substr(rest, dot2 + 1)
  net = substr($4, 1, dot + dot2 + index(rest2, ".") - 1)
  k = $7 " " net
  if (!(k in seen)) { seen[k] = 1; print $7, net ".0/24", $4, $5, $13, $11 }
}
