# Terraform and provider requirements for the AWS reference deployment. The root pins every provider
# to a minor series (~>) so a plan is reproducible; the modules state only a floor and inherit these.
terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.14"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }

  # State holds generated passwords: keep it in an encrypted, versioned S3 bucket with native
  # locking. The bucket, key and region come from `terraform init -backend-config=...`.
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
