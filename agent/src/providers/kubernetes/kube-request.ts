// One plain HTTP request to the Kubernetes API with the kubeconfig's credentials and TLS settings
// (the client library's typed clients have no server-side apply for Calico's aggregated API, and
// `KubernetesObjectApi` would first run discovery). Bounded by a timeout; the response body is
// parsed as JSON when it is JSON.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KUBE_APPLY_TIMEOUT_MS } from '../../limits.js';

export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

export class KubeRequestError extends Error {
  override readonly name = 'KubeRequestError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function kubeRequest(
  config: KubeConfig,
  method: 'GET' | 'PATCH' | 'DELETE',
  path: string,
  options: { query?: Record<string, string>; body?: unknown; contentType?: string } = {},
): Promise<KubeResponse> {
  const server = config.getCurrentCluster()?.server;
  if (server === undefined) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(path, server);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const requestOptions: RequestOptions = {
    method,
    headers: {
      accept: 'application/json',
      ...(payload === undefined
        ? {}
        : {
            'content-type': options.contentType ?? 'application/json',
            'content-length': Buffer.byteLength(payload),
          }),
    },
    timeout: KUBE_APPLY_TIMEOUT_MS,
  };
  await config.applyToHTTPSOptions(requestOptions);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<KubeResponse>((resolve, reject) => {
    const req = send(url, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? null : JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The API's own message for a failed request (a Status object), else the HTTP status. */
export function failureOf(response: KubeResponse, action: string): KubeRequestError {
  const message = (response.body as { message?: unknown } | null)?.message;
  return new KubeRequestError(
    response.status,
    `${action}: HTTP ${String(response.status)}${typeof message === 'string' ? `: ${message}` : ''}`,
  );
}
