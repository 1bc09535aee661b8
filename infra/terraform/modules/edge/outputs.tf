output "api_target_group_arn" {
  description = "ALB target group of the API pods."
  value       = aws_lb_target_group.api.arn
}

output "gateway_target_group_arn" {
  description = "NLB target group of the gateway pods."
  value       = aws_lb_target_group.gateway.arn
}

output "alb_security_group_id" {
  description = "Security group of the ALB."
  value       = aws_security_group.alb.id
}

output "nlb_security_group_id" {
  description = "Security group of the NLB."
  value       = aws_security_group.nlb.id
}
