variable "name" {
  description = "Identifier of the primary; the replica is <name>-replica."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Isolated data subnets, one per AZ."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect on 5432."
  type        = list(string)
}

variable "engine_version" {
  description = "PostgreSQL major version."
  type        = string
}

variable "instance_class" {
  description = "Instance class of the primary."
  type        = string
}

variable "replica_instance_class" {
  description = "Instance class of the read replica."
  type        = string
}

variable "allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
}

variable "max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
}

variable "backup_retention_days" {
  description = "Days of automated backups."
  type        = number
}

variable "kms_key_arn" {
  description = "KMS key of storage, Performance Insights and the master secret."
  type        = string
}

variable "deletion_protection" {
  description = "Whether the primary is protected from deletion."
  type        = bool
}
