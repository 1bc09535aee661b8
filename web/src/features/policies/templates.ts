// The text a new policy starts from: valid, minimal, and showing the fields people change first.
// It names a namespace and workloads the demo clusters have (agent/examples/shop.yaml: the API in
// `backend`, the storefront in `frontend`), so its selectors select something on first try.
export const NEW_POLICY_YAML = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: allow-storefront-to-api
  namespace: backend
spec:
  tier: default
  order: 100
  selector: app == "api"
  types:
    - Ingress
  ingress:
    - action: Allow
      protocol: TCP
      source:
        namespaceSelector: team == "web"
        selector: app == "storefront"
      destination:
        ports:
          - 8000
`;
