variable "name" {
  description = "Prefix of the repository names (<name>/<image>)."
  type        = string
}

variable "repositories" {
  description = "Image names, one repository each."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key the repositories are encrypted with."
  type        = string
}
