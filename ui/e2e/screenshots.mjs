// Writes the screenshots of docs/ui.md into KF_OUT, with the harness of the browser tests:
//
//	go test ./ui -run TestScreenshots -screenshots ../docs/ui
import { join } from 'node:path';
import { launch, open, typeFilter } from './harness.mjs';

const out = process.env.KF_OUT;
const b = await launch();
const { page } = b;
await page.setViewportSize({ width: 1100, height: 720 });

// 1. The filter bar: a mistake underlined, its message and fix on hover, the problems list.
await open(page);
await typeFilter(page, "EventType == 'proces' AND FileName == '*powershell*'");
await page.keyboard.press('Escape');
await page.locator('#hl[data-fresh="1"]').waitFor();
const bad = page.locator('#hl .d-error');
await bad.waitFor();
const box = await bad.boundingBox();
await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
await page.locator('#tooltip').waitFor({ state: 'visible' });
await page.screenshot({ path: join(out, 'filter-bar.png'), clip: { x: 0, y: 0, width: 1100, height: 230 } });

// 2. Completion: the values of EventType as you type.
await typeFilter(page, "EventType == 'proc");
await page.locator('#completions:not([data-stale]) li').first().waitFor();
await page.mouse.move(0, 0);
await page.screenshot({ path: join(out, 'completion.png'), clip: { x: 0, y: 0, width: 1100, height: 300 } });

// 3. Results: the table, the histogram and a facet.
await open(page, '?q=' + encodeURIComponent("EventType == 'process' AND FileName == '*.exe'") + '&facet=FileName');
await page.mouse.move(0, 0);
await page.screenshot({ path: join(out, 'results.png'), clip: { x: 0, y: 0, width: 1100, height: 600 } });

// 4. One event: its JSON and why it does not match a refined filter.
await page.locator('#tbody tr').first().click();
await page.locator('#why li').first().waitFor();
await page.fill('#why-filter', "EventType == 'process' AND FileName == '*.exe' AND HostName in ('WS-01', 'WS-02')");
await page.press('#why-filter', 'Enter');
await page.waitForFunction(() => document.getElementById('why-verdict').textContent.includes('does not match'));
await page.screenshot({ path: join(out, 'explain.png'), clip: { x: 0, y: 0, width: 1100, height: 480 } });
await b.close();
console.log('screenshots written to', out);
