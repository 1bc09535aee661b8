# One AWS provider for the region of the deployment; every resource it creates carries the
# deployment's tags, so cost reports group by them.
provider "aws" {
  region = var.region

  default_tags {
    tags = {
      "app.kubernetes.io/part-of" = "palisade"
      Environment                 = var.environment
      ManagedBy                   = "terraform"
    }
  }
}
