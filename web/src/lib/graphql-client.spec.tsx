import { ERROR_CODES } from '@palisade/access';
import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ErrorState } from '../components/ui/error-state';
import { ClustersDocument } from '../generated/graphql';
import { ApiError, gqlRequest, isApiError, toApiError } from './graphql-client';

/** The API's answer to a query over its complexity limit (error formatter: HTTP 400, BAD_REQUEST). */
function answerTooComplex(): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(() =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            data: null,
            errors: [
              {
                message: 'query complexity 5000 exceeds the limit of 2000',
                extensions: { code: 'BAD_REQUEST' },
              },
            ],
          }),
          { status: 400, headers: { 'content-type': 'application/json' } },
        ),
      ),
    ),
  );
}

describe('API error codes in the console', () => {
  it('keeps BAD_REQUEST, the code of a refused query, instead of showing it as an internal error', async () => {
    answerTooComplex();
    const error = await gqlRequest(ClustersDocument, { slug: 'acme' }).catch((e: unknown) => e);
    expect(isApiError(error, 'BAD_REQUEST')).toBe(true);
    expect(isApiError(error, 'INTERNAL')).toBe(false);
    render(<ErrorState error={error} />);
    expect(screen.getByRole('alert').textContent).toContain(
      'query complexity 5000 exceeds the limit of 2000',
    );
    expect(screen.queryByText(/Error id/)).toBeNull();
  });

  it('keeps every code the API sends, and reads anything else as INTERNAL', () => {
    for (const code of ERROR_CODES) {
      expect(toApiError({ message: 'm', extensions: { code } }).code).toBe(code);
    }
    expect(toApiError({ message: 'm', extensions: { code: 'TEAPOT' } }).code).toBe('INTERNAL');
    expect(toApiError({ message: 'm' }).code).toBe('INTERNAL');
    expect(toApiError({ message: 'm', extensions: { code: 'NOT_FOUND' } })).toBeInstanceOf(ApiError);
  });
});
