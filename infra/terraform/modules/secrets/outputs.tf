output "secret_arns" {
  description = "Secret ARNs by deployable (api, gateway)."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}

output "redis_auth_token" {
  description = "The Redis AUTH token, for the replication group."
  value       = random_password.redis_auth.result
  sensitive   = true
}

output "database_passwords" {
  description = "Passwords of the application database roles, by role (set once with ALTER ROLE)."
  value       = { for k, p in random_password.db : k => p.result }
  sensitive   = true
}
