// Theme toggle: system (follows the OS), light, dark.
import { Select } from '../ui/select';
import { useTheme, type ThemePreference } from '../../lib/theme';

const OPTIONS = [
  { value: 'system', label: 'System theme' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
] as const;

export function ThemeToggle() {
  const [pref, setPref] = useTheme();
  return (
    <Select
      aria-label="Theme"
      options={OPTIONS}
      value={pref}
      onChange={(e) => setPref(e.target.value as ThemePreference)}
    />
  );
}
