resource "azurerm_kubernetes_cluster" "private" {
  name                    = "aks-private"
  location                = "westeurope"
  resource_group_name     = "rg-prod"
  dns_prefix              = "aks-private"
  private_cluster_enabled = true

  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
}

resource "azurerm_kubernetes_cluster" "authorized" {
  name                = "aks-authorized"
  location            = "westeurope"
  resource_group_name = "rg-prod"
  dns_prefix          = "aks-authorized"

  api_server_access_profile {
    authorized_ip_ranges = ["10.0.0.0/16", "198.51.100.0/24"]
  }

  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
}
