resource "google_container_cluster" "private" {
  name     = "private"
  location = "europe-west1"

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }
}

resource "google_container_cluster" "vpn_only" {
  name     = "vpn-only"
  location = "europe-west1"

  master_authorized_networks_config {
    cidr_blocks {
      cidr_block = "10.8.0.0/16"
    }
  }
}
