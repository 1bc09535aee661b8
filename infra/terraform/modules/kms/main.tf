# Customer-managed KMS keys, one per purpose so a grant or a key policy never reaches further than
# its data: EKS secrets envelope encryption, node EBS volumes, the database, the cache, Secrets
# Manager, the report archive and the image registry. Plus the asymmetric P-256 key that signs compliance evidence:
# its private half never leaves KMS, and auditors verify with the public key.
locals {
  purposes = toset(["eks", "ebs", "database", "cache", "secrets", "archive", "registry"])
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_iam_policy_document" "key" {
  for_each = local.purposes

  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # EKS managed node groups launch through Auto Scaling, whose service-linked role must be able to
  # use the EBS key for the nodes' encrypted root volumes.
  dynamic "statement" {
    for_each = each.key == "ebs" ? [1] : []

    content {
      sid       = "AutoScalingUsesEbsKey"
      actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  for_each = local.purposes

  description             = "${var.name} ${each.key} encryption"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key[each.key].json
}

resource "aws_kms_alias" "this" {
  for_each = local.purposes

  name          = "alias/${var.name}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

# ECDSA P-256 with SHA-256 (ECDSA_SHA_256): the evidence signature scheme. Asymmetric keys cannot
# rotate automatically; rotating means a new key, and the old public key stays published so old
# evidence still verifies.
resource "aws_kms_key" "evidence_signing" {
  description              = "${var.name} compliance evidence signing (ECDSA P-256)"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  deletion_window_in_days  = 30
  policy                   = data.aws_iam_policy_document.key["archive"].json
}

resource "aws_kms_alias" "evidence_signing" {
  name          = "alias/${var.name}-evidence-signing"
  target_key_id = aws_kms_key.evidence_signing.key_id
}
