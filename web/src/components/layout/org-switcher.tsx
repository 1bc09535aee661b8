// Organisation switcher: every organisation of the viewer, plus "create"; switching keeps the
// section (clusters stay clusters) when the target has it.
import { useNavigate } from '@tanstack/react-router';
import type { ViewerOrg } from '../../features/viewer/api';
import { Select } from '../ui/select';

const NEW = '__new__';

export function OrgSwitcher({ current, orgs }: { current: string; orgs: readonly ViewerOrg[] }) {
  const navigate = useNavigate();
  const options = [
    ...orgs.map((o) => ({ value: o.slug, label: o.name })),
    ...(orgs.some((o) => o.slug === current) ? [] : [{ value: current, label: current }]),
    { value: NEW, label: '+ Create organisation…' },
  ];
  return (
    <Select
      aria-label="Organisation"
      className="org-switcher"
      options={options}
      value={current}
      onChange={(e) => {
        const slug = e.target.value;
        if (slug === NEW) void navigate({ to: '/new-org' });
        else void navigate({ to: '/o/$slug', params: { slug } });
      }}
    />
  );
}
