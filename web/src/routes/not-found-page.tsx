// Unknown paths.
import { Link } from '@tanstack/react-router';
import { EmptyState } from '../components/ui/empty-state';

export function NotFoundPage() {
  return (
    <main className="centered">
      <EmptyState title="Page not found" action={<Link to="/">Go to your organisations</Link>}>
        There is nothing at this address.
      </EmptyState>
    </main>
  );
}
