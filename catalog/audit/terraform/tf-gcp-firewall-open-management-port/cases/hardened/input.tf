resource "google_compute_firewall" "ssh_internal" {
  name          = "ssh-internal"
  network       = "prod"
  source_ranges = ["10.128.0.0/9"]

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_firewall" "docker_from_ci" {
  name        = "docker-from-ci"
  network     = "prod"
  source_tags = ["ci-runner"]

  allow {
    protocol = "tcp"
    ports    = ["2375"]
  }
}

resource "google_compute_firewall" "kubelet_disabled" {
  name          = "kubelet-open"
  network       = "prod"
  disabled      = true
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["10250"]
  }
}

resource "google_compute_firewall" "deny_rdp" {
  name          = "deny-rdp"
  network       = "prod"
  priority      = 100
  source_ranges = ["0.0.0.0/0"]

  deny {
    protocol = "tcp"
    ports    = ["3389"]
  }
}

resource "google_compute_firewall" "allow_rdp" {
  name          = "allow-rdp"
  network       = "prod"
  priority      = 1000
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }
}
