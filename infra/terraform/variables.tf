# Inputs of the AWS reference deployment. Every variable says what it sets and rejects values that
# would fail late (at apply, or worse, in production); defaults are the production shape.

variable "name" {
  description = "Prefix of every resource name; with the environment it names the deployment (palisade-prod)."
  type        = string
  default     = "palisade"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name must be 2-21 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment, part of every name and tag (prod, staging, ...)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the deployment, e.g. eu-west-1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "azs" {
  description = "Exactly three availability zones of the region; each gets a public, a private and a data subnet."
  type        = list(string)

  validation {
    condition     = length(var.azs) == 3 && length(distinct(var.azs)) == 3
    error_message = "azs must name three distinct availability zones."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC, /16 to /20; split into nine subnets (public, private, data per AZ)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be an IPv4 CIDR between /16 and /20."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (cheaper, but an AZ outage cuts egress of the others). Keep false in production."
  type        = bool
  default     = false
}

variable "kubernetes_version" {
  description = "EKS control plane version (major.minor)."
  type        = string
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.34."
  }
}

variable "eks_public_access_cidrs" {
  description = "CIDRs allowed to reach the EKS API endpoint from the internet; empty makes the endpoint private only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.eks_public_access_cidrs : can(cidrnetmask(c)) && c != "0.0.0.0/0"])
    error_message = "eks_public_access_cidrs must be IPv4 CIDRs, and never 0.0.0.0/0."
  }
}

variable "eks_admin_role_arns" {
  description = "IAM role ARNs granted cluster-admin through EKS access entries (the deploy pipeline, operators). The cluster's creator gets no implicit access, so at least one is needed."
  type        = list(string)

  validation {
    condition     = length(var.eks_admin_role_arns) > 0 && alltrue([for a in var.eks_admin_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "eks_admin_role_arns must list at least one IAM role ARN."
  }
}

variable "kubernetes_namespace" {
  description = "Namespace Palisade runs in (infra/kubernetes uses palisade); pod identities are bound to it."
  type        = string
  default     = "palisade"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.kubernetes_namespace))
    error_message = "kubernetes_namespace must be a DNS label."
  }
}

variable "node_groups" {
  description = "EKS managed node groups by name: instance types, ON_DEMAND or SPOT, sizes and disk (GiB)."
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = number
    desired_size   = number
    max_size       = number
    disk_size_gib  = optional(number, 50)
  }))
  default = {
    general = {
      instance_types = ["m7i.large", "m6i.large"]
      min_size       = 3
      desired_size   = 3
      max_size       = 9
    }
  }

  validation {
    condition = alltrue([for g in values(var.node_groups) :
      g.min_size >= 0 && g.min_size <= g.desired_size && g.desired_size <= g.max_size && contains(["ON_DEMAND", "SPOT"], g.capacity_type)
    ])
    error_message = "each node group needs min_size <= desired_size <= max_size and capacity_type ON_DEMAND or SPOT."
  }
}

variable "db_engine_version" {
  description = "PostgreSQL major version of the RDS instance and its replica."
  type        = string
  default     = "17"

  validation {
    condition     = contains(["16", "17"], var.db_engine_version)
    error_message = "db_engine_version must be 16 or 17 (the versions Palisade's migrations are tested on)."
  }
}

variable "db_instance_class" {
  description = "RDS instance class of the Multi-AZ primary."
  type        = string
  default     = "db.m7g.large"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.db_instance_class))
    error_message = "db_instance_class must be an RDS class such as db.m7g.large."
  }
}

variable "db_replica_instance_class" {
  description = "RDS instance class of the read replica that serves compliance reports and flow queries."
  type        = string
  default     = "db.m7g.large"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.db_replica_instance_class))
    error_message = "db_replica_instance_class must be an RDS class such as db.m7g.large."
  }
}

variable "db_allocated_storage" {
  description = "Initial gp3 storage of the database in GiB."
  type        = number
  default     = 100

  validation {
    condition     = var.db_allocated_storage >= 20 && var.db_allocated_storage <= 65536
    error_message = "db_allocated_storage must be between 20 and 65536 GiB."
  }
}

variable "db_max_allocated_storage" {
  description = "Ceiling of storage autoscaling in GiB (flow partitions grow with the fleet)."
  type        = number
  default     = 1000

  validation {
    condition     = var.db_max_allocated_storage >= 20 && var.db_max_allocated_storage <= 65536
    error_message = "db_max_allocated_storage must be between 20 and 65536 GiB."
  }
}

variable "db_backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 7 and 35."
  }
}

variable "redis_engine_version" {
  description = "ElastiCache Redis OSS engine version."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.redis_engine_version))
    error_message = "redis_engine_version must be 7.x (BullMQ needs Redis 6.2 or later; AUTH with TLS needs 6+)."
  }
}

variable "redis_node_type" {
  description = "ElastiCache node type of every member of the replication group."
  type        = string
  default     = "cache.m7g.large"

  validation {
    condition     = can(regex("^cache\\.[a-z0-9]+\\.[a-z0-9]+$", var.redis_node_type))
    error_message = "redis_node_type must be an ElastiCache node type such as cache.m7g.large."
  }
}

variable "redis_node_count" {
  description = "Members of the replication group (one primary, the rest replicas spread across the AZs)."
  type        = number
  default     = 3

  validation {
    condition     = var.redis_node_count >= 2 && var.redis_node_count <= 6
    error_message = "redis_node_count must be 2 to 6: automatic failover needs a replica."
  }
}

variable "route53_zone_id" {
  description = "Route 53 public hosted zone holding api_domain and gateway_domain (records and ACM validation)."
  type        = string

  validation {
    condition     = can(regex("^Z[A-Z0-9]{5,31}$", var.route53_zone_id))
    error_message = "route53_zone_id must be a hosted zone id such as Z0123456789ABCDEFGHIJ."
  }
}

variable "api_domain" {
  description = "Host name of the API and console (PUBLIC_ORIGIN), served by the ALB."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]{2,}$", var.api_domain))
    error_message = "api_domain must be a lowercase DNS name."
  }
}

variable "gateway_domain" {
  description = "Host name the agents dial (GATEWAY_PUBLIC_URL is wss://<gateway_domain>/v1/tunnel), served by the NLB."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]{2,}$", var.gateway_domain))
    error_message = "gateway_domain must be a lowercase DNS name."
  }
}

variable "oidc_client_secret" {
  description = "Client secret of Palisade at the OpenID Connect provider (OIDC_CLIENT_SECRET), stored in Secrets Manager."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.oidc_client_secret) >= 16
    error_message = "oidc_client_secret must be at least 16 characters."
  }
}

variable "archive_retention_mode" {
  description = "S3 Object Lock mode of report archives: COMPLIANCE (nobody can shorten it) or GOVERNANCE."
  type        = string
  default     = "COMPLIANCE"

  validation {
    condition     = contains(["COMPLIANCE", "GOVERNANCE"], var.archive_retention_mode)
    error_message = "archive_retention_mode must be COMPLIANCE or GOVERNANCE."
  }
}

variable "archive_retention_days" {
  description = "Days each archived compliance report stays immutable."
  type        = number
  default     = 400

  validation {
    condition     = var.archive_retention_days >= 1 && var.archive_retention_days <= 3650
    error_message = "archive_retention_days must be between 1 and 3650."
  }
}

variable "deletion_protection" {
  description = "Protect the database from deletion; set false only to tear down a test deployment."
  type        = bool
  default     = true
}
