// Entry of the bench build (web/bench/index.html, `vite build --mode bench`): the policy board
// fixture on its own, with the console's styles and no router, API or session. It exists for
// bench/web only and is never part of the console that users get (web/index.html, web/dist).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BenchBoardPage } from './bench-board-page';
import '../styles/theme.css';
import '../components/ui/ui.css';
import '../styles/layout.css';

const root = document.getElementById('root');
if (!root) throw new Error('bench/index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <BenchBoardPage />
  </StrictMode>,
);
