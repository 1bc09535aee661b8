variable "name" {
  description = "Name prefix of the load balancers (at most 26 characters with the suffixes)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancers and target groups."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets, one per AZ."
  type        = list(string)
}

variable "node_security_group_id" {
  description = "Security group of the pods the load balancers forward to."
  type        = string
}

variable "route53_zone_id" {
  description = "Hosted zone of the two domains."
  type        = string
}

variable "api_domain" {
  description = "Host name of the API and console."
  type        = string
}

variable "gateway_domain" {
  description = "Host name of the tunnel endpoint."
  type        = string
}

variable "api_port" {
  description = "Container port of the API (PORT)."
  type        = number
}

variable "gateway_port" {
  description = "Container port of the gateway (PORT)."
  type        = number
}
