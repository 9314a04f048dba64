// The harness every browser script of katafilter ui shares: Debian's Chromium, headless, with a
// fresh profile, driven by playwright-core (never a downloaded browser). The console's address
// comes from KATAFILTER_UI_URL (the Go test starts the binary and sets it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const url = process.env.KATAFILTER_UI_URL;
if (!url) throw new Error('KATAFILTER_UI_URL is not set: run these scripts through go test ./ui (see docs/ui.md)');

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'katafilter-ui-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  });
  // The page must work offline: any request to another host is a failure.
  const origins = [url, process.env.KATAFILTER_UI_LIVE_URL].filter(Boolean).map((u) => new URL(u).origin + '/');
  const foreign = [];
  context.on('request', (r) => {
    if (!origins.some((o) => r.url().startsWith(o)) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return {
    context, page, foreign, errors,
    async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

// open loads the console (with a query string, if given) and waits until it is ready.
export async function open(page, search = '') {
  await page.goto(new URL(search, url).toString());
  await page.waitForSelector('body[data-ready="1"]');
}

// type replaces the filter bar's text by typing it key by key, as a person would.
export async function typeFilter(page, text) {
  await page.focus('#filter');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}
