// The invite form's checks, before any request.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailError(email: string): string | undefined {
  if (!email.trim()) return 'Enter an email address.';
  if (!EMAIL.test(email.trim())) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}
