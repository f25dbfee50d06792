resource "aws_eks_cluster" "private" {
  name     = "private"
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    endpoint_private_access = true
    endpoint_public_access  = false
    subnet_ids              = ["subnet-0aaa"]
  }
}

resource "aws_eks_cluster" "office_only" {
  name     = "office-only"
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    endpoint_public_access = true
    public_access_cidrs    = ["198.51.100.0/24"]
    subnet_ids             = ["subnet-0aaa"]
  }
}
