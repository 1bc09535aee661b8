variable "name" {
  description = "Cluster name and name prefix of its IAM roles."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS version (major.minor)."
  type        = string
}


variable "subnet_ids" {
  description = "Private subnets of the control plane's network interfaces and the nodes."
  type        = list(string)
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to the public API endpoint; empty disables the public endpoint."
  type        = list(string)
}

variable "admin_role_arns" {
  description = "IAM roles with cluster-admin access entries."
  type        = list(string)
}

variable "node_groups" {
  description = "Managed node groups by name."
  type = map(object({
    instance_types = list(string)
    capacity_type  = string
    min_size       = number
    desired_size   = number
    max_size       = number
    disk_size_gib  = number
  }))
}

variable "secrets_kms_key_arn" {
  description = "KMS key for envelope encryption of Kubernetes Secrets."
  type        = string
}

variable "ebs_kms_key_arn" {
  description = "KMS key of the nodes' EBS volumes."
  type        = string
}

variable "namespace" {
  description = "Namespace of Palisade's service accounts."
  type        = string
}

variable "evidence_key_arn" {
  description = "P-256 signing key the worker signs evidence with."
  type        = string
}

variable "archive_bucket_arn" {
  description = "S3 bucket of report archives."
  type        = string
}

variable "archive_kms_key_arn" {
  description = "KMS key of the report archive bucket."
  type        = string
}

variable "secret_arns" {
  description = "Secrets Manager secrets the API and worker read, by name."
  type        = map(string)
}

variable "secrets_kms_key_arn_for_reading" {
  description = "KMS key the runtime secrets are encrypted with."
  type        = string
}

variable "target_group_arns" {
  description = "Target groups the load balancer controller may register pods in."
  type        = list(string)
}
