// The connect wizard: name and labels → registerCluster → the install command (copy it, run it in
// the cluster) → waits live for the agent and turns green when the cluster connects. Also used to
// re-register an existing cluster (a fresh enrollment token for the same name).
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { CopyableText } from '../../../components/ui/copy-button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Tabs } from '../../../components/ui/tabs';
import { absoluteTime } from '../../../lib/format';
import { useCluster, useRegisterCluster } from '../api';
import { clusterNameError, parseLabels } from '../validation';
import { ClusterStatusPill } from './cluster-status-pill';

interface Registered {
  name: string;
  installCommand: string;
  enrollmentToken: string;
  gatewayUrl: string;
  expiresAt: string;
}

/** Shell-quotes a word only when it needs it. */
function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/**
 * The agent run by hand (from a checkout of Palisade): a simulated cluster described by a file, or
 * a real cluster through a kubeconfig, with the enrollment token and the gateway it dials.
 */
export function agentCommand(
  r: Pick<Registered, 'enrollmentToken' | 'gatewayUrl'>,
  target: { simulate: string } | { kubeconfig: string },
): string {
  const mode =
    'simulate' in target
      ? ['--simulate', target.simulate || '<cluster.yaml>']
      : ['--kubernetes', '--kubeconfig', target.kubeconfig || '~/.kube/config'];
  return ['npm', 'run', 'agent', '--', ...mode, '--token', r.enrollmentToken, '--gateway', r.gatewayUrl]
    .map((w) => (w.startsWith('<') || w.startsWith('~') ? w : shellWord(w)))
    .join(' ');
}

export function ConnectWizard({
  slug,
  open,
  onClose,
  reRegister,
}: {
  slug: string;
  open: boolean;
  onClose: () => void;
  /** Name of an existing cluster to re-register (skips the form). */
  reRegister?: string;
}) {
  const [registered, setRegistered] = useState<Registered | null>(null);
  const close = () => {
    setRegistered(null);
    onClose();
  };
  return (
    <Dialog
      open={open}
      title={reRegister ? `Re-register ${reRegister}` : 'Connect a cluster'}
      onClose={close}
      actions={registered ? <Button onClick={close}>Close</Button> : undefined}
    >
      {registered ? (
        <InstallStep slug={slug} registered={registered} />
      ) : (
        <RegisterStep slug={slug} fixedName={reRegister} onRegistered={setRegistered} onCancel={close} />
      )}
    </Dialog>
  );
}

function RegisterStep({
  slug,
  fixedName,
  onRegistered,
  onCancel,
}: {
  slug: string;
  fixedName: string | undefined;
  onRegistered: (r: Registered) => void;
  onCancel: () => void;
}) {
  const register = useRegisterCluster(slug);
  const [name, setName] = useState(fixedName ?? '');
  const [labelsText, setLabelsText] = useState('');
  const [touched, setTouched] = useState(false);
  const nameError = clusterNameError(name);
  const parsed = parseLabels(labelsText);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (nameError || parsed.error) return;
    register.mutate(
      { name, labels: fixedName ? [] : parsed.labels },
      {
        onSuccess: (r) =>
          onRegistered({
            name: r.cluster.name,
            installCommand: r.installCommand,
            enrollmentToken: r.enrollmentToken,
            gatewayUrl: r.gatewayUrl,
            expiresAt: r.enrollmentExpiresAt,
          }),
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      {fixedName ? (
        <p>
          This issues a new enrollment token for <strong>{fixedName}</strong>. Its labels stay as they are; an
          agent already connected keeps its credential until you delete the cluster.
        </p>
      ) : (
        <>
          <Field
            label="Cluster name"
            hint="Lower-case letters, digits and dashes; unique in this organisation."
            error={touched ? nameError : undefined}
          >
            <Input value={name} onChange={(e) => setName(e.target.value)} autoFocus autoComplete="off" />
          </Field>
          <Field
            label="Labels"
            hint="Optional, e.g. env=prod, region=eu. Policies target clusters by these labels."
            error={touched ? parsed.error : undefined}
          >
            <Input value={labelsText} onChange={(e) => setLabelsText(e.target.value)} autoComplete="off" />
          </Field>
        </>
      )}
      {register.error && (
        <p className="ui-field__error" role="alert">
          {errorMessage(register.error)}
        </p>
      )}
      <div className="ui-dialog__actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={register.isPending}>
          {fixedName ? 'Issue new token' : 'Register cluster'}
        </Button>
      </div>
    </form>
  );
}

function InstallStep({ slug, registered }: { slug: string; registered: Registered }) {
  const cluster = useCluster(slug, registered.name);
  const status = cluster.data?.status;
  const connected = status === 'CONNECTED';
  const [how, setHow] = useState('kubectl');
  const [clusterFile, setClusterFile] = useState('agent/examples/shop.yaml');
  return (
    <div>
      <ol style={{ paddingLeft: 18 }}>
        <li>
          <Tabs
            label="How to run the agent"
            tabs={[
              { id: 'kubectl', label: 'kubectl' },
              { id: 'agent', label: 'Agent command' },
            ]}
            selected={how}
            onSelect={setHow}
          >
            {how === 'kubectl' ? (
              <>
                <p>
                  Run this in the cluster with kubectl. It downloads the agent once, within an hour; the
                  enrollment token it installs connects one agent and is valid until{' '}
                  {absoluteTime(registered.expiresAt)}.
                </p>
                <CopyableText text={registered.installCommand} label="Install command" />
              </>
            ) : (
              <>
                <p>
                  Or run the agent yourself from a Palisade checkout: a simulated cluster described by a file
                  (see agent/examples), or a real one through your kubeconfig. The enrollment token connects
                  one agent and is valid until {absoluteTime(registered.expiresAt)}.
                </p>
                <Field
                  label="Cluster description"
                  hint="For --simulate: a file like agent/examples/shop.yaml"
                >
                  <Input
                    className="mono"
                    value={clusterFile}
                    onChange={(e) => setClusterFile(e.target.value)}
                  />
                </Field>
                <CopyableText
                  text={agentCommand(registered, { simulate: clusterFile.trim() })}
                  label="Agent command (simulated cluster)"
                />
                <CopyableText
                  text={agentCommand(registered, { kubeconfig: '' })}
                  label="Agent command (kubeconfig)"
                />
              </>
            )}
          </Tabs>
        </li>
        <li>
          <p>The agent dials out to Palisade; no inbound firewall rule is needed.</p>
        </li>
      </ol>
      <div role="status" aria-live="polite" style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        {status ? <ClusterStatusPill status={status} /> : null}
        <span>{connected ? `${registered.name} is connected.` : 'Waiting for the agent to connect…'}</span>
      </div>
    </div>
  );
}
