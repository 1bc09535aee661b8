# The AWS reference deployment of Palisade: the composition of the modules, in the order a request
# meets them (edge, cluster, data). Each module owns one concern; nothing here creates a resource
# directly, so every resource is reviewed where its neighbours are.
locals {
  name = "${var.name}-${var.environment}"
}

module "kms" {
  source = "./modules/kms"

  name = local.name
}

module "network" {
  source = "./modules/network"

  name               = local.name
  cidr               = var.vpc_cidr
  azs                = var.azs
  single_nat_gateway = var.single_nat_gateway
}

module "eks" {
  source = "./modules/eks"

  name                            = local.name
  kubernetes_version              = var.kubernetes_version
  subnet_ids                      = module.network.private_subnet_ids
  public_access_cidrs             = var.eks_public_access_cidrs
  admin_role_arns                 = var.eks_admin_role_arns
  node_groups                     = var.node_groups
  secrets_kms_key_arn             = module.kms.key_arns["eks"]
  ebs_kms_key_arn                 = module.kms.key_arns["ebs"]
  namespace                       = var.kubernetes_namespace
  evidence_key_arn                = module.kms.evidence_signing_key_arn
  archive_bucket_arn              = module.archive.bucket_arn
  archive_kms_key_arn             = module.kms.key_arns["archive"]
  secret_arns                     = module.secrets.secret_arns
  secrets_kms_key_arn_for_reading = module.kms.key_arns["secrets"]
  target_group_arns               = [module.edge.api_target_group_arn, module.edge.gateway_target_group_arn]
}

module "postgres" {
  source = "./modules/postgres"

  name                      = local.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.data_subnet_ids
  client_security_group_ids = [module.eks.node_security_group_id]
  engine_version            = var.db_engine_version
  instance_class            = var.db_instance_class
  replica_instance_class    = var.db_replica_instance_class
  allocated_storage         = var.db_allocated_storage
  max_allocated_storage     = var.db_max_allocated_storage
  backup_retention_days     = var.db_backup_retention_days
  kms_key_arn               = module.kms.key_arns["database"]
  deletion_protection       = var.deletion_protection
}

module "redis" {
  source = "./modules/redis"

  name                      = local.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.data_subnet_ids
  client_security_group_ids = [module.eks.node_security_group_id]
  engine_version            = var.redis_engine_version
  node_type                 = var.redis_node_type
  node_count                = var.redis_node_count
  auth_token                = module.secrets.redis_auth_token
  kms_key_arn               = module.kms.key_arns["cache"]
}

module "edge" {
  source = "./modules/edge"

  name                   = local.name
  vpc_id                 = module.network.vpc_id
  public_subnet_ids      = module.network.public_subnet_ids
  node_security_group_id = module.eks.node_security_group_id
  route53_zone_id        = var.route53_zone_id
  api_domain             = var.api_domain
  gateway_domain         = var.gateway_domain
  api_port               = 3000
  gateway_port           = 3001
}

module "secrets" {
  source = "./modules/secrets"

  name               = local.name
  kms_key_arn        = module.kms.key_arns["secrets"]
  oidc_client_secret = var.oidc_client_secret
  database_address   = module.postgres.primary_address
  redis_address      = module.redis.primary_endpoint
}

module "archive" {
  source = "./modules/archive"

  name           = local.name
  kms_key_arn    = module.kms.key_arns["archive"]
  retention_mode = var.archive_retention_mode
  retention_days = var.archive_retention_days
}

module "registry" {
  source = "./modules/registry"

  name         = local.name
  repositories = ["api", "worker", "gateway"]
  kms_key_arn  = module.kms.key_arns["registry"]
}
