output "key_arns" {
  description = "Symmetric key ARNs by purpose: eks, ebs, database, cache, secrets, archive, registry."
  value       = { for k, key in aws_kms_key.this : k => key.arn }
}

output "evidence_signing_key_arn" {
  description = "ARN of the ECC_NIST_P256 SIGN_VERIFY key for compliance evidence."
  value       = aws_kms_key.evidence_signing.arn
}
