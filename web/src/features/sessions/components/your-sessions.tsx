// Your signed-in sessions, the most recently used first: where each was opened and when it was last
// used. Ending another session signs that browser out at once; ending this one signs you out.
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorState, errorMessage } from '../../../components/ui/error-state';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { Table } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { absoluteTime, relativeTime } from '../../../lib/format';
import { useMySessions, useRevokeSession, type SessionNode } from '../api';

/** "Firefox on Linux" from a User-Agent, or the raw text when it names nothing familiar. */
export function describeBrowser(ua: string | null): string {
  if (!ua) return 'Unknown browser';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : null;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS X/.test(ua)
      ? 'macOS'
      : /Android/.test(ua)
        ? 'Android'
        : /iPhone|iPad/.test(ua)
          ? 'iOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  return browser && os ? `${browser} on ${os}` : (browser ?? ua.slice(0, 60));
}

export function YourSessions() {
  const q = useMySessions();
  const revoke = useRevokeSession();
  const toast = useToast();
  const [ending, setEnding] = useState<SessionNode | null>(null);
  const end = async (s: SessionNode) => {
    try {
      await revoke.mutateAsync(s.id);
      setEnding(null);
      if (s.current) window.location.assign('/');
      else toast.show({ title: 'Session ended', tone: 'ok' });
    } catch (err) {
      setEnding(null);
      toast.show({ title: 'Not ended', body: errorMessage(err), tone: 'danger' });
    }
  };
  return (
    <section aria-labelledby="your-sessions" className="stack">
      <h2 id="your-sessions">Your sessions</h2>
      <p className="muted">Browsers signed in as you, in every organisation you belong to.</p>
      {q.isPending ? (
        <SkeletonRows rows={2} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Table caption="Your sessions" columns={['Browser', 'Address', 'Signed in', 'Last active', '']}>
          {q.data.map((s) => (
            <tr key={s.id} data-session={s.id}>
              <td>
                {describeBrowser(s.userAgent)} {s.current && <Badge tone="ok">This session</Badge>}
              </td>
              <td>{s.ip ?? '—'}</td>
              <td title={absoluteTime(s.createdAt)}>{relativeTime(s.createdAt)}</td>
              <td title={absoluteTime(s.lastSeenAt)}>{relativeTime(s.lastSeenAt)}</td>
              <td>
                <Button variant="danger" size="small" onClick={() => setEnding(s)}>
                  {s.current ? 'Sign out' : 'End session'}
                </Button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <Dialog
        open={ending !== null}
        title={ending?.current ? 'Sign out of this session?' : 'End this session?'}
        onClose={() => setEnding(null)}
        actions={
          <>
            <Button onClick={() => setEnding(null)}>Cancel</Button>
            <Button variant="danger-solid" busy={revoke.isPending} onClick={() => ending && void end(ending)}>
              {ending?.current ? 'Sign out' : 'End session'}
            </Button>
          </>
        }
      >
        <p>
          {ending?.current
            ? 'You will need to sign in again.'
            : `${describeBrowser(ending?.userAgent ?? null)} is signed out at once, and its live views stop.`}
        </p>
      </Dialog>
    </section>
  );
}
