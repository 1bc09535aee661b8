output "cluster_name" {
  description = "EKS cluster name."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "EKS API server endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "node_security_group_id" {
  description = "Security group of the nodes and pods (the EKS cluster security group)."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "pod_role_arns" {
  description = "Pod Identity role ARNs by service account."
  value       = { for k, r in aws_iam_role.pod : k => r.arn }
}
