// Theme preference: "system" follows prefers-color-scheme (pure CSS); "light"/"dark" set
// data-theme on <html>, remembered in localStorage. index.html applies it before first paint.
import { useCallback, useState } from 'react';

export type ThemePreference = 'system' | 'light' | 'dark';
const KEY = 'palisade-theme';

export function readTheme(): ThemePreference {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(pref: ThemePreference): void {
  if (pref === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', pref);
}

export function useTheme(): [ThemePreference, (pref: ThemePreference) => void] {
  const [pref, setPref] = useState<ThemePreference>(readTheme);
  const set = useCallback((next: ThemePreference) => {
    try {
      if (next === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    applyTheme(next);
    setPref(next);
  }, []);
  return [pref, set];
}
