# The only way in from the internet: an ALB terminating TLS (ACM) for the API and console, and an NLB
# terminating TLS for the agents' WebSocket tunnels. Both listen on 443 only. The tunnels go through
# an NLB because its TCP idle timeout (350 s) is far above the tunnel heartbeat (10 s) and it does
# not buffer or re-balance a long-lived connection; the ALB keeps its 60 s default, far above any
# API request (CLUSTER_REQUEST_TIMEOUT is 10 s) and GraphQL subscriptions ping well inside it.
# Targets are pod IPs, registered by the AWS Load Balancer Controller from TargetGroupBindings.
resource "aws_acm_certificate" "this" {
  domain_name               = var.api_domain
  subject_alternative_names = [var.gateway_domain]
  validation_method         = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = { for o in aws_acm_certificate.this.domain_validation_options : o.domain_name => o }

  zone_id         = var.route53_zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

# ---- API and console: ALB ----

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "API and console load balancer: HTTPS from anywhere, to the API pods"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS from the internet"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_api" {
  security_group_id            = aws_security_group.alb.id
  referenced_security_group_id = var.node_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.api_port
  to_port                      = var.api_port
  description                  = "To the API pods"
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_alb" {
  security_group_id            = var.node_security_group_id
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.api_port
  to_port                      = var.api_port
  description                  = "API pods from the ALB"
}

resource "aws_lb" "api" {
  name                       = "${var.name}-api"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  idle_timeout               = 60
  enable_deletion_protection = true
}

resource "aws_lb_target_group" "api" {
  name        = "${var.name}-api"
  target_type = "ip"
  protocol    = "HTTP"
  port        = var.api_port
  vpc_id      = var.vpc_id

  deregistration_delay = 30

  health_check {
    path                = "/readyz"
    matcher             = "200"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "api_https" {
  load_balancer_arn = aws_lb.api.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.this.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

# ---- Agent tunnels: NLB ----

resource "aws_security_group" "nlb" {
  name        = "${var.name}-nlb"
  description = "Tunnel load balancer: TLS from anywhere, to the gateway pods"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "nlb_tls" {
  security_group_id = aws_security_group.nlb.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "Agent tunnels (TLS) from the internet"
}

resource "aws_vpc_security_group_egress_rule" "nlb_to_gateway" {
  security_group_id            = aws_security_group.nlb.id
  referenced_security_group_id = var.node_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.gateway_port
  to_port                      = var.gateway_port
  description                  = "To the gateway pods"
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_nlb" {
  security_group_id            = var.node_security_group_id
  referenced_security_group_id = aws_security_group.nlb.id
  ip_protocol                  = "tcp"
  from_port                    = var.gateway_port
  to_port                      = var.gateway_port
  description                  = "Gateway pods from the NLB"
}

resource "aws_lb" "gateway" {
  name                             = "${var.name}-gw"
  load_balancer_type               = "network"
  internal                         = false
  subnets                          = var.public_subnet_ids
  security_groups                  = [aws_security_group.nlb.id]
  enable_cross_zone_load_balancing = true
  enable_deletion_protection       = true
}

resource "aws_lb_target_group" "gateway" {
  name        = "${var.name}-gw"
  target_type = "ip"
  protocol    = "TCP"
  port        = var.gateway_port
  vpc_id      = var.vpc_id

  # A draining gateway closes its tunnels and the agents reconnect elsewhere (decision 0007); give
  # them the time the gateway's shutdown takes.
  deregistration_delay = 60

  health_check {
    protocol            = "HTTP"
    path                = "/readyz"
    matcher             = "200"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "gateway_tls" {
  load_balancer_arn = aws_lb.gateway.arn
  port              = 443
  protocol          = "TLS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.this.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }
}

# ---- DNS ----

resource "aws_route53_record" "api" {
  zone_id = var.route53_zone_id
  name    = var.api_domain
  type    = "A"

  alias {
    name                   = aws_lb.api.dns_name
    zone_id                = aws_lb.api.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "gateway" {
  zone_id = var.route53_zone_id
  name    = var.gateway_domain
  type    = "A"

  alias {
    name                   = aws_lb.gateway.dns_name
    zone_id                = aws_lb.gateway.zone_id
    evaluate_target_health = true
  }
}
