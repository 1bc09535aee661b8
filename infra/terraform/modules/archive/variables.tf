variable "name" {
  description = "Prefix of the bucket name (the account id is appended to make it unique)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the bucket's default encryption."
  type        = string
}

variable "retention_mode" {
  description = "Object Lock mode: COMPLIANCE or GOVERNANCE."
  type        = string
}

variable "retention_days" {
  description = "Default retention of each object, in days."
  type        = number
}
