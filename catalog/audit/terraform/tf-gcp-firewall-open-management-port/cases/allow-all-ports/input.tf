resource "google_compute_firewall" "wide_open" {
  name          = "wide-open"
  network       = google_compute_network.vpc.id
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["0-65535"]
  }
}

resource "google_compute_firewall" "no_source" {
  name    = "ssh-no-source"
  network = google_compute_network.vpc.id

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
