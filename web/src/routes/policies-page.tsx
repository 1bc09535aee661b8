// Policy board. Wired to the API's policy fields once they are in the schema.
import { PageHeader } from '../components/layout/page-header';
import { EmptyState } from '../components/ui/empty-state';

export function PoliciesPage() {
  return (
    <>
      <PageHeader title="Policies" />
      <EmptyState title="Policy management is not available yet">
        This Palisade API does not serve policies yet.
      </EmptyState>
    </>
  );
}
