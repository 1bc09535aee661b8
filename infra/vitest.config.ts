import { defineConfig } from 'vitest/config';

// The deployment's checks: Terraform parse, format and rules; Kubernetes manifests against the
// OpenAPI schemas; the agent's RBAC; one image build where the machine allows it.
export default defineConfig({
  test: {
    name: 'infra',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
