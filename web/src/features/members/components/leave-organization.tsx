// Leaving the organisation, for any member (the API refuses the last owner, and says so). Asks for
// confirmation; afterwards the console goes home, where the remaining organisations are listed.
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { useToast } from '../../../components/ui/toast';
import { useLeaveOrganization } from '../api';

export function LeaveOrganization({ slug, orgName }: { slug: string; orgName: string }) {
  const leave = useLeaveOrganization(slug);
  const toast = useToast();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const confirm = async () => {
    try {
      await leave.mutateAsync();
      setConfirming(false);
      toast.show({ title: `You left ${orgName}`, tone: 'ok' });
      await navigate({ to: '/' });
    } catch (err) {
      setConfirming(false);
      toast.show({ title: 'You are still a member', body: errorMessage(err), tone: 'danger' });
    }
  };
  return (
    <section aria-labelledby="leave-org" className="stack">
      <h2 id="leave-org">Leave {orgName}</h2>
      <p className="muted">You lose access at once; an admin can invite you again.</p>
      <div>
        <Button variant="danger" onClick={() => setConfirming(true)}>
          Leave organisation
        </Button>
      </div>
      <Dialog
        open={confirming}
        title={`Leave ${orgName}?`}
        onClose={() => setConfirming(false)}
        actions={
          <>
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
            <Button variant="danger-solid" busy={leave.isPending} onClick={() => void confirm()}>
              Leave
            </Button>
          </>
        }
      >
        <p>You will no longer see its clusters, policies or audit log.</p>
      </Dialog>
    </section>
  );
}
