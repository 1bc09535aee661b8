output "primary_endpoint" {
  description = "Primary endpoint host name (TLS on 6379)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}
