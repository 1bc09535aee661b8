output "primary_endpoint" {
  description = "Writer endpoint, host:port."
  value       = aws_db_instance.primary.endpoint
}

output "primary_address" {
  description = "Writer host name."
  value       = aws_db_instance.primary.address
}

output "replica_endpoint" {
  description = "Read replica endpoint, host:port."
  value       = aws_db_instance.replica.endpoint
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret of the master user, managed by RDS."
  value       = aws_db_instance.primary.master_user_secret[0].secret_arn
}
