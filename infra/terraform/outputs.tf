# What the Kubernetes side and the operator need after `terraform apply`: where Palisade is reached,
# where its data lives, and the ARNs the in-cluster manifests bind to (infra/kubernetes/aws).

output "public_origin" {
  description = "PUBLIC_ORIGIN of the API and console."
  value       = "https://${var.api_domain}"
}

output "gateway_public_url" {
  description = "GATEWAY_PUBLIC_URL, the tunnel URL written into agent install manifests."
  value       = "wss://${var.gateway_domain}/v1/tunnel"
}

output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name <this>)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "EKS API server endpoint."
  value       = module.eks.cluster_endpoint
}

output "database_endpoint" {
  description = "Writer endpoint of PostgreSQL (host:port)."
  value       = module.postgres.primary_endpoint
}

output "database_replica_endpoint" {
  description = "Read replica endpoint of PostgreSQL (host:port), for reports and flow queries."
  value       = module.postgres.replica_endpoint
}

output "database_master_secret_arn" {
  description = "Secrets Manager secret RDS manages for the master user (migrations bootstrap only)."
  value       = module.postgres.master_user_secret_arn
}

output "redis_primary_endpoint" {
  description = "Primary endpoint of the Redis replication group (TLS, AUTH)."
  value       = module.redis.primary_endpoint
}

output "secret_arns" {
  description = "Secrets Manager ARNs of Palisade's runtime secrets, by name."
  value       = module.secrets.secret_arns
}

output "evidence_signing_key_arn" {
  description = "KMS ECC_NIST_P256 key that signs compliance evidence."
  value       = module.kms.evidence_signing_key_arn
}

output "archive_bucket" {
  description = "S3 bucket (Object Lock) for compliance report archives."
  value       = module.archive.bucket_name
}

output "api_target_group_arn" {
  description = "ALB target group of the API pods (TargetGroupBinding palisade-api)."
  value       = module.edge.api_target_group_arn
}

output "gateway_target_group_arn" {
  description = "NLB target group of the gateway pods (TargetGroupBinding palisade-gateway)."
  value       = module.edge.gateway_target_group_arn
}

output "pod_role_arns" {
  description = "IAM roles bound to Palisade's service accounts through EKS Pod Identity, by service account."
  value       = module.eks.pod_role_arns
}

output "image_repositories" {
  description = "ECR repository URLs of the api, worker and gateway images."
  value       = module.registry.repository_urls
}
