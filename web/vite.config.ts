// Vite: React, the console built to web/dist (served by the API in production). In development the
// API runs on :3000 and Vite proxies its paths, so cookies stay same-origin.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API = process.env['PALISADE_API'] ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: API, ws: true, changeOrigin: false },
      '/auth': { target: API },
      '/v1': { target: API },
    },
  },
});
