// Vite: React, the console built to web/dist (served by the API in production). In development the
// API runs on :3000 and Vite proxies its paths, so cookies stay same-origin.
// `--mode bench` builds (or serves) the benchmark's fixture pages instead: their own entry
// (bench/index.html) into web/dist-bench, so that no bench page ships in the console's router.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API = process.env['PALISADE_API'] ?? 'http://localhost:3000';
const WEB = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ mode }) => {
  const bench = mode === 'bench';
  return {
    plugins: [react()],
    ...(bench ? { root: `${WEB}bench` } : {}),
    build: {
      outDir: bench ? `${WEB}dist-bench` : 'dist',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      reportCompressedSize: false,
    },
    server: {
      port: 5173,
      ...(bench ? { fs: { allow: [WEB, `${WEB}../packages`] } } : {}),
      proxy: {
        '/graphql': { target: API, ws: true, changeOrigin: false },
        '/auth': { target: API },
        '/v1': { target: API },
      },
    },
  };
});
