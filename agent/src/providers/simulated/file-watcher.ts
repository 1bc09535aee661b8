// Tells when a file may have changed. fs.watch is fast but unreliable across platforms, editors
// that save by rename, and network or container file systems, so a stat poll runs beside it; both
// feed one debounce, and the caller re-reads and decides whether anything really changed. The
// directory is watched rather than the file, so a rename-on-save does not orphan the watch.

import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface FileWatcherOptions {
  readonly debounceMs: number;
  readonly pollIntervalMs: number;
}

export interface FileWatcher {
  close(): void;
}

export function watchFile(path: string, onChange: () => void, options: FileWatcherOptions): FileWatcher {
  const name = basename(path);
  let debounce: NodeJS.Timeout | undefined;
  let closed = false;
  const changed = (): void => {
    if (closed) return;
    if (debounce !== undefined) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      if (!closed) onChange();
    }, options.debounceMs);
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) changed();
    });
    watcher.on('error', () => {
      watcher?.close();
      watcher = undefined;
    });
  } catch {
    watcher = undefined; // the poll alone will do
  }

  let last = '';
  let polling = false;
  const poll = setInterval(() => {
    if (polling) return;
    polling = true;
    stat(path).then(
      (s) => fingerprint(`${String(s.ino)}:${String(s.size)}:${String(s.mtimeMs)}`),
      () => fingerprint('missing'),
    );
  }, options.pollIntervalMs);
  poll.unref();
  const fingerprint = (value: string): void => {
    polling = false;
    if (last !== '' && value !== last) changed();
    last = value;
  };

  return {
    close(): void {
      closed = true;
      watcher?.close();
      clearInterval(poll);
      if (debounce !== undefined) clearTimeout(debounce);
    },
  };
}
