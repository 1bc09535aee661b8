// Toasts: short confirmations and failures of actions, announced politely (errors assertively),
// dismissed after a while or by their close button. One provider at the root.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Button } from './button';

export interface ToastInput {
  title: string;
  body?: string;
  tone?: 'ok' | 'danger' | 'neutral';
}

interface ToastItem extends ToastInput {
  id: number;
}

interface ToastApi {
  show: (toast: ToastInput) => void;
}

const ToastContext = createContext<ToastApi | null>(null);
const TIMEOUT_MS = 6000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const dismiss = useCallback((id: number) => setItems((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (toast: ToastInput) => {
      const id = Date.now() + Math.random();
      setItems((all) => [...all.slice(-3), { ...toast, id }]);
      window.setTimeout(() => dismiss(id), TIMEOUT_MS);
    },
    [dismiss],
  );
  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="ui-toasts" aria-live="polite">
        {items.map((t) => (
          <div
            key={t.id}
            className={`ui-toast ui-toast--${t.tone ?? 'neutral'}`}
            role={t.tone === 'danger' ? 'alert' : 'status'}
          >
            <div>
              <strong>{t.title}</strong>
              {t.body && <div>{t.body}</div>}
            </div>
            <Button variant="ghost" size="small" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </Button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast outside ToastProvider');
  return api;
}
