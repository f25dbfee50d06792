# Privileged pod creations per user in a Kubernetes audit log (JSON lines): a create of a pod whose
# spec has a container, init container or ephemeral container with securityContext.privileged true.
# Run: jq -n -c -S -f k8s-privileged.jq FILE   → {"user": count, …}
reduce (inputs
  | select(.verb == "create" and .objectRef.resource == "pods" and (.objectRef.subresource // "") == "")
  | select([(.requestObject.spec // {}) | (.containers, .initContainers, .ephemeralContainers) // [] | .[] | .securityContext.privileged] | any)
  | .user.username) as $user
  ({}; .[$user] += 1)
