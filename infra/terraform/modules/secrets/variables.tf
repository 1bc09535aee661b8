variable "name" {
  description = "Prefix of the secrets' names."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key the secrets are encrypted with."
  type        = string
}

variable "oidc_client_secret" {
  description = "OIDC_CLIENT_SECRET of the API."
  type        = string
  sensitive   = true
}

variable "database_address" {
  description = "Writer host name of PostgreSQL."
  type        = string
}

variable "redis_address" {
  description = "Primary endpoint host name of Redis."
  type        = string
}
