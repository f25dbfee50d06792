resource "google_container_cluster" "open" {
  name     = "open"
  location = "europe-west1"

  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "10.0.0.0/8"
      display_name = "internal"
    }
    cidr_blocks {
      cidr_block   = "0.0.0.0/0"
      display_name = "everyone"
    }
  }
}

resource "google_container_cluster" "no_networks" {
  name     = "no-networks"
  location = "europe-west1"
}
