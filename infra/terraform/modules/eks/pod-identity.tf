# AWS permissions of Palisade's pods, each bound to one Kubernetes service account by EKS Pod
# Identity: the API reads its runtime secrets and the archive; the worker also signs evidence and
# writes archives; the AWS Load Balancer Controller only registers pods in the two target groups
# that infra/kubernetes/aws binds (TargetGroupBinding), it creates no load balancer.
data "aws_iam_policy_document" "pod_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "api" {
  statement {
    sid       = "ReadRuntimeSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = values(var.secret_arns)
  }

  statement {
    sid       = "DecryptRuntimeSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.secrets_kms_key_arn_for_reading]
  }

  statement {
    sid       = "ReadArchive"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [var.archive_bucket_arn, "${var.archive_bucket_arn}/*"]
  }

  statement {
    sid       = "VerifyEvidence"
    actions   = ["kms:GetPublicKey", "kms:Verify", "kms:Decrypt"]
    resources = [var.evidence_key_arn, var.archive_kms_key_arn]
  }
}

data "aws_iam_policy_document" "worker" {
  source_policy_documents = [data.aws_iam_policy_document.api.json]

  statement {
    sid       = "WriteArchive"
    actions   = ["s3:PutObject", "s3:PutObjectRetention"]
    resources = ["${var.archive_bucket_arn}/*"]
  }

  statement {
    sid       = "SignEvidence"
    actions   = ["kms:Sign", "kms:GenerateDataKey"]
    resources = [var.evidence_key_arn, var.archive_kms_key_arn]
  }
}

data "aws_iam_policy_document" "load_balancer_controller" {
  statement {
    sid       = "Describe"
    actions   = ["elasticloadbalancing:Describe*", "ec2:DescribeInstances", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs", "ec2:DescribeNetworkInterfaces"]
    resources = ["*"]
  }

  statement {
    sid       = "RegisterPodsInPalisadeTargetGroups"
    actions   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]
    resources = var.target_group_arns
  }
}

locals {
  pod_roles = {
    "palisade-api"    = { namespace = var.namespace, policy = data.aws_iam_policy_document.api.json }
    "palisade-worker" = { namespace = var.namespace, policy = data.aws_iam_policy_document.worker.json }
    "aws-load-balancer-controller" = {
      namespace = "kube-system"
      policy    = data.aws_iam_policy_document.load_balancer_controller.json
    }
  }
}

resource "aws_iam_role" "pod" {
  for_each = local.pod_roles

  name               = "${var.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.pod_assume.json
}

resource "aws_iam_role_policy" "pod" {
  for_each = local.pod_roles

  name   = each.key
  role   = aws_iam_role.pod[each.key].id
  policy = each.value.policy
}

resource "aws_eks_pod_identity_association" "this" {
  for_each = local.pod_roles

  cluster_name    = aws_eks_cluster.this.name
  namespace       = each.value.namespace
  service_account = each.key
  role_arn        = aws_iam_role.pod[each.key].arn

  depends_on = [aws_eks_addon.this]
}
