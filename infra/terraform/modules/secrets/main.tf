# Palisade's runtime secrets in Secrets Manager, encrypted with the secrets KMS key: one secret per
# deployable whose JSON keys are exactly the environment variables of its config/env.ts, so a sync
# (External Secrets Operator, or the README's one-off command) maps them 1:1 onto the Kubernetes
# Secrets infra/kubernetes references. Passwords are generated here; Terraform state therefore
# holds them, and lives in an encrypted bucket (versions.tf). There is no session signing secret:
# sessions are server-side rows behind an opaque cookie (decision 0003).
resource "random_password" "db" {
  for_each = toset(["palisade_app", "palisade_gateway", "palisade_system"])

  length  = 40
  special = false
}

# ElastiCache AUTH accepts printable ASCII without @, " or /; letters and digits avoid URL escaping.
resource "random_password" "redis_auth" {
  length  = 64
  special = false
}

# The bearer token Prometheus sends for the API's and the worker's /metrics (METRICS_TOKEN).
resource "random_password" "metrics_token" {
  length  = 48
  special = false
}

# The key that encrypts compliance evidence signing keys at rest (EVIDENCE_KEY_ENCRYPTION_KEY:
# 32 bytes, base64; decision 0068). 32 random characters are 32 bytes.
resource "random_password" "evidence_key_encryption_key" {
  length  = 32
  special = false
}

locals {
  db        = "${var.database_address}:5432/palisade?sslmode=verify-full"
  redis_url = "rediss://:${random_password.redis_auth.result}@${var.redis_address}:6379"
  values = {
    api = {
      DATABASE_URL                = "postgres://palisade_app:${random_password.db["palisade_app"].result}@${local.db}"
      DATABASE_ADMIN_URL          = "postgres://palisade_system:${random_password.db["palisade_system"].result}@${local.db}"
      REDIS_URL                   = local.redis_url
      OIDC_CLIENT_SECRET          = var.oidc_client_secret
      METRICS_TOKEN               = random_password.metrics_token.result
      EVIDENCE_KEY_ENCRYPTION_KEY = base64encode(random_password.evidence_key_encryption_key.result)
    }
    gateway = {
      DATABASE_URL = "postgres://palisade_gateway:${random_password.db["palisade_gateway"].result}@${local.db}"
      REDIS_URL    = local.redis_url
    }
  }
}

# for_each over the names only: the values are sensitive, and Terraform refuses a sensitive for_each.
resource "aws_secretsmanager_secret" "this" {
  for_each = toset(keys(local.values))

  name                    = "${var.name}/${each.key}"
  description             = "Palisade ${each.key} runtime secrets (environment variables)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret_version" "this" {
  for_each = aws_secretsmanager_secret.this

  secret_id     = each.value.id
  secret_string = jsonencode(local.values[each.key])
}
