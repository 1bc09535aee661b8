// Turns failures of the Kubernetes API into messages an operator can act on. 401 and 403 are
// configuration problems (the agent's identity or its RBAC), never transient, so they say exactly
// which permission is missing; everything else is reported with its status and retried.

export interface KubeFailure {
  /** HTTP status, when the API answered. */
  readonly status: number | null;
  readonly auth: boolean;
  readonly message: string;
}

export function describeKubeFailure(error: unknown, action: string): KubeFailure {
  const status = statusOf(error);
  if (status === 401) {
    return {
      status,
      auth: true,
      message: `the Kubernetes API refused the agent's credentials (401 Unauthorized) to ${action}: check the kubeconfig user or the ServiceAccount token`,
    };
  }
  if (status === 403) {
    return {
      status,
      auth: true,
      message: `the Kubernetes API forbids the agent to ${action} (403 Forbidden): grant its ServiceAccount that permission (the install manifest's ClusterRole does)`,
    };
  }
  const detail = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error);
  return {
    status,
    auth: false,
    message: `could not ${action}${status === null ? '' : ` (HTTP ${String(status)})`}: ${detail}`,
  };
}

function statusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  if (typeof code === 'number') return code;
  return null;
}
