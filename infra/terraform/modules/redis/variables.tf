variable "name" {
  description = "Replication group id."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cache's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Isolated data subnets, one per AZ."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect on 6379."
  type        = list(string)
}

variable "engine_version" {
  description = "Redis OSS engine version."
  type        = string
}

variable "node_type" {
  description = "Node type of every member."
  type        = string
}

variable "node_count" {
  description = "Members of the replication group."
  type        = number
}

variable "auth_token" {
  description = "Redis AUTH token (16-128 printable characters)."
  type        = string
  sensitive   = true
}

variable "kms_key_arn" {
  description = "KMS key of at-rest encryption."
  type        = string
}
