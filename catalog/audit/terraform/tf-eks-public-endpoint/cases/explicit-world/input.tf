resource aws_eks_cluster "explicit" {
  name     = "explicit"
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    endpoint_private_access = true
    endpoint_public_access  = true
    public_access_cidrs     = ["203.0.113.10/32", "0.0.0.0/0"]
    subnet_ids              = ["subnet-0aaa"]
  }
}
