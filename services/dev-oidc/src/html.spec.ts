import { describe, expect, it } from 'vitest';
import { escapeHtml, renderPage } from './html.js';

describe('escapeHtml', () => {
  it('escapes every character that can break out of text or an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('escapes the page title and loads nothing from elsewhere', () => {
    const page = renderPage('<b>', '<p>ok</p>');
    expect(page).toContain('<title>&lt;b&gt;</title>');
    expect(page).not.toMatch(/https?:\/\/|@import|<script|<link/);
  });
});
