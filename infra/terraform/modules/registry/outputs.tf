output "repository_urls" {
  description = "Repository URLs by image name (docker://<url>:<tag> to push)."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}
