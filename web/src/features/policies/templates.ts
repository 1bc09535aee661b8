// The text a new policy starts from: valid, minimal, and showing the fields people change first.
export const NEW_POLICY_YAML = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: allow-frontend-to-api
  namespace: shop
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
        selector: app == "frontend"
      destination:
        ports:
          - 8080
`;
