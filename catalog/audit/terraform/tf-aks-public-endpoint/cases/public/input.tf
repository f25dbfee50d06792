resource "azurerm_kubernetes_cluster" "default_public" {
  name                = "aks-public"
  location            = "westeurope"
  resource_group_name = "rg-prod"
  dns_prefix          = "aks-public"

  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
}

resource "azurerm_kubernetes_cluster" "legacy_ranges" {
  name                            = "aks-legacy"
  location                        = "westeurope"
  resource_group_name             = "rg-prod"
  dns_prefix                      = "aks-legacy"
  api_server_authorized_ip_ranges = ["0.0.0.0/0"]

  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
}
