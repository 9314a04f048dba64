// End-to-end tests of katafilter ui in a real browser. Run by TestBrowser (go test ./ui), which
// starts the binary on the test events and sets KATAFILTER_UI_URL, KF_FILTER and KF_COUNT (the
// filter's number of matches according to katafilter eval --count).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, typeFilter } from './harness.mjs';

const FILTER = process.env.KF_FILTER;
const LIVE = process.env.KATAFILTER_UI_LIVE_URL; // a console on the built-in emulator
const COUNT = Number(process.env.KF_COUNT);
let b;

before(async () => { b = await launch(); });
after(async () => {
  await b.close();
  assert.deepEqual(b.foreign, [], 'requests to other hosts');
  assert.deepEqual(b.errors, [], 'errors in the page');
});

const text = (sel) => b.page.locator(sel).first().textContent();

test('a filter with a mistake shows the diagnostic at its characters, with the message and a fix on hover', async () => {
  const { page } = b;
  await open(page);
  const src = "EventType == 'proces' AND FileName == 'cmd.exe'";
  await typeFilter(page, src);
  await page.locator('#hl[data-fresh="1"]').waitFor();
  const bad = page.locator('#hl .d-error');
  assert.equal(await bad.count(), 1);
  assert.equal(await bad.textContent(), "'proces'");
  // The underlined characters are exactly those of the value: what precedes them is the text
  // before the mistake.
  const before = await page.evaluate(() => {
    const span = document.querySelector('#hl .d-error');
    const r = document.createRange();
    r.setStart(document.getElementById('hl'), 0);
    r.setEndBefore(span);
    return r.toString();
  });
  assert.equal(before, 'EventType == ');
  assert.match(await text('#problems li'), /KF0400 at 14-21 'proces' is not a known value of EventType/);
  // Enter does not send a filter with an error.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('summary').textContent.includes('nothing was sent'));
  assert.equal(await page.isHidden('#results'), true);
  // The mouse rests on the underlined characters (the textarea above them takes the events).
  const box = await bad.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('#tooltip').waitFor({ state: 'visible' });
  assert.match(await text('#tooltip'), /error\[KF0400\]/);
  await page.locator('#tooltip button.fix').first().click();
  assert.equal(await page.inputValue('#filter'), "EventType == 'process' AND FileName == 'cmd.exe'");
  await page.locator('#hl[data-fresh="1"]').waitFor();
  assert.equal(await page.locator('#hl .d-error').count(), 0);
  // A field under the mouse: the editor's hover, its type and description.
  const field = page.locator('#hl .t-field', { hasText: 'FileName' });
  const fb = await field.boundingBox();
  await page.mouse.move(fb.x + fb.width / 2, fb.y + fb.height / 2);
  await page.waitForFunction(() => document.getElementById('tooltip').textContent.includes('FileName: string field'));
    // Colours come from the token classes of semantic tokens.
  assert.equal(await text('#hl .t-field'), 'EventType');
  assert.equal(await text('#hl .t-keyword'), 'AND');
});

test('completion as you type: the list is announced and Tab accepts', async () => {
  const { page } = b;
  await open(page);
  await typeFilter(page, 'filen');
  await page.locator('#completions:not([data-stale]) li').first().waitFor();
  assert.equal(await page.getAttribute('#filter', 'aria-expanded'), 'true');
  assert.equal(await page.getAttribute('#filter', 'aria-activedescendant'), 'c-0');
  assert.equal(await page.getAttribute('#c-0', 'aria-selected'), 'true');
  assert.match(await text('#c-0'), /FileName/);
  assert.match(await text('#compdoc'), /\S/, 'the chosen field is described under the list');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#filter'), 'FileName');
  assert.equal(await page.getAttribute('#filter', 'aria-expanded'), 'false');
  // After a string field: its operators; after the operator of EventType: its known values.
  await typeFilter(page, "EventType == 'proc");
  await page.locator('#completions:not([data-stale]) li').first().waitFor();
  assert.match(await text('#completions'), /'process'/);
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#filter'), "EventType == 'process'");
});

test('running a filter shows its matches: the count agrees with katafilter eval --count', async () => {
  const { page } = b;
  await open(page);
  await typeFilter(page, FILTER);
  await page.keyboard.press('Escape'); // closes the completion list, if open
  await page.keyboard.press('Enter');
  await page.locator('#count').waitFor();
  assert.match(await text('#count'), new RegExp(`^${COUNT} matching events`));
  const rows = page.locator('#tbody tr');
  assert.equal(await rows.count(), Math.min(COUNT, 50));
  const heads = await page.locator('#thead th').allTextContents();
  assert.deepEqual(heads.slice(0, 4), ['#', 'Timestamp (UTC)', 'EventType', 'HostName']);
  for (const t of await page.locator('#tbody tr td:nth-child(3)').allTextContents()) assert.equal(t, 'process');
  assert.equal(await text('#tbody tr td'), String(COUNT)); // newest first
  assert.match(await text('#pageinfo'), new RegExp(`page 1 of ${Math.ceil(COUNT / 50)}`));
  await page.click('#next');
  await page.waitForFunction(() => document.getElementById('pageinfo').textContent.startsWith('page 2'));
  assert.equal(await text('#tbody tr td'), String(COUNT - 50));
  assert.match(page.url(), /page=2/);
});

test('an event opens with its JSON and why it matches, or why another filter does not', async () => {
  const { page } = b;
  await open(page, '?q=' + encodeURIComponent(FILTER));
  await page.locator('#tbody tr').first().click();
  await page.locator('#why li').first().waitFor();
  assert.match(await text('#why-verdict'), /^The event matches/);
  assert.match(await text('#why'), /^true EventType == 'process'/);
  assert.match(await text('#why'), /EventType == 'process'\s+\(EventType: "process"\)/);
  const json = JSON.parse(await text('#json'));
  assert.equal(json.EventType, 'process');
  await page.fill('#why-filter', "EventType == 'module'");
  await page.press('#why-filter', 'Enter');
  await page.waitForFunction(() => document.getElementById('why-verdict').textContent.includes('does not match'));
  assert.match(await text('#why'), /^false/);
  assert.match(page.url(), /event=\d+/);
});

test('the histogram counts every match over time and a facet gives the top values', async () => {
  const { page } = b;
  await open(page, '?q=' + encodeURIComponent(FILTER));
  const titles = await page.locator('#histo rect title').allTextContents();
  assert.ok(titles.length > 1, 'bars');
  const sum = titles.map((t) => Number(t.split(': ').pop())).reduce((x, y) => x + y, 0);
  assert.equal(sum, COUNT);
  assert.match(await page.getAttribute('#histo', 'aria-label'), new RegExp(`^Histogram: ${COUNT} matches`));
  assert.match(await text('#facet-note'), new RegExp(`^${COUNT} of ${COUNT} matches have HostName`));
  assert.equal(await page.locator('#facet-list li').count(), 10);
  await page.fill('#facet-field', 'EventType');
  await page.press('#facet-field', 'Enter');
  await page.waitForFunction(() => document.getElementById('facet-list').children.length === 1);
  assert.equal((await text('#facet-list')).replace(/\s+/g, ' '), `process${COUNT}`);
  assert.match(page.url(), /facet=EventType/);
  // A value of a facet refines the filter.
  await page.fill('#facet-field', 'HostName');
  await page.press('#facet-field', 'Enter');
  await page.waitForFunction(() => document.getElementById('facet-note').textContent.includes('HostName'));
  const top = await page.locator('#facet-list li button').first();
  const [host, n] = await top.locator('span:not(.bar)').allTextContents();
  await top.click();
  await page.waitForFunction((h) => document.getElementById('filter').value.endsWith(`HostName == '${h}'`), host);
  await page.waitForFunction((n) => document.getElementById('count')?.textContent.startsWith(`${n} matching`), n);
});

test('reloading a shared URL reproduces the view', async () => {
  const { page } = b;
  await open(page, `?q=${encodeURIComponent(FILTER)}&facet=EventType&page=2&event=3`);
  assert.equal(await page.inputValue('#filter'), FILTER);
  assert.match(await text('#count'), new RegExp(`^${COUNT} matching`));
  assert.match(await text('#pageinfo'), /^page 2/);
  assert.equal(await page.inputValue('#facet-field'), 'EventType');
  await page.locator('#why li').first().waitFor();
  assert.match(await text('#detail-title'), /^Event 3 \(.*events-4k\.jsonl\.gz:\d+\)$/);
  const shared = page.url();
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(page.url(), shared);
  assert.equal(await page.inputValue('#filter'), FILTER);
  assert.match(await text('#pageinfo'), /^page 2/);
  assert.match(await text('#detail-title'), /^Event 3/);
});

test('keyboard only: type, complete, run, open an event and come back', async () => {
  const { page } = b;
  await open(page);
  await page.keyboard.press('Tab'); // from the filter bar to the Run button
  assert.equal(await page.evaluate(() => document.activeElement.id), 'run');
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'filter');
  await page.keyboard.type('EventType == ');
  await page.keyboard.press('Control+Space');
  await page.locator('#completions:not([data-stale]) li').first().waitFor();
  // Walk to 'process' with the arrows and accept it with Enter.
  const labels = await page.locator('#completions li .label').allTextContents();
  const i = labels.indexOf("'process'");
  assert.ok(i >= 0, labels.join(' '));
  for (let k = 0; k < i; k++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.getAttribute('#filter', 'aria-activedescendant'), `c-${i}`);
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#filter'), "EventType == 'process'");
  await page.keyboard.type(' AND FileName');
  await page.locator('#completions:not([data-stale]) li').first().waitFor();
  await page.keyboard.press('Escape'); // the first Escape closes the list ...
  assert.equal(await page.getAttribute('#filter', 'aria-expanded'), 'false');
  await page.keyboard.type(" == '*.exe'");
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter'); // ... and Enter runs the filter
  await page.locator('#count').waitFor();
  // Tab to the first row of the table, open it with Enter, close it with Escape.
  let focused = '';
  for (let k = 0; k < 60 && focused !== 'TR'; k++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement.tagName);
  }
  assert.equal(focused, 'TR');
  const n = await page.evaluate(() => document.activeElement.dataset.n);
  await page.keyboard.press('ArrowDown');
  const n2 = await page.evaluate(() => document.activeElement.dataset.n);
  assert.equal(Number(n2), Number(n) - 1);
  await page.keyboard.press('Enter');
  await page.locator('#why li').first().waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'detail-title');
  assert.match(await text('#detail-title'), new RegExp(`^Event ${n2}`));
  await page.keyboard.press('Escape');
  assert.equal(await page.isHidden('#detail'), true);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.n), n2);
});

test('Format writes the canonical form (Shift+Alt+F)', async () => {
  const { page } = b;
  await open(page);
  await typeFilter(page, "EventType=='process'   and   not FileName in ('a.exe','b.exe')");
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Alt+F');
  // The typed text starts with EventType too: wait for the canonical form itself.
  await page.waitForFunction(() => document.getElementById('filter').value.includes(' AND NOT '));
  assert.equal(await page.inputValue('#filter'), "EventType == 'process' AND NOT FileName in ('a.exe', 'b.exe')");
});

// contrast is the WCAG contrast ratio of two CSS colours rgb(r, g, b).
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('text is readable: every colour of the filter bar and the results has a contrast of 4.5 or more', async () => {
  const { page } = b;
  await open(page, '?q=' + encodeURIComponent("EventType == 'process' AND FileName == '*.exe'"));
  await typeFilter(page, "EventType == 'proces' AND FileName == '*\\\\*.exe' AND FileSize > 10 AND NOT x");
  await page.keyboard.press('Escape');
  await page.locator('#hl[data-fresh="1"]').waitFor();
  await page.locator('#problems li').first().waitFor();
  const pairs = await page.evaluate(() => {
    const bg = (e) => {
      for (; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
      }
      return 'rgb(255, 255, 255)';
    };
    const sel = '#hl span, #problems li *, #summary, #facet-list span, #tbody td, #thead th, .help, .note, .source, button';
    return [...document.querySelectorAll(sel)].filter((e) => e.textContent.trim() && e.offsetParent)
      .map((e) => ({ what: (e.id || e.className || e.tagName) + ': ' + e.textContent.slice(0, 20), fg: getComputedStyle(e).color, bg: bg(e) }));
  });
  const kinds = new Set();
  for (const p of pairs) {
    kinds.add(p.what.split(':')[0]);
    assert.ok(contrast(p.fg, p.bg) >= 4.5, `${p.what}: ${p.fg} on ${p.bg} is ${contrast(p.fg, p.bg).toFixed(2)}`);
  }
  for (const k of ['t-field', 't-keyword', 't-operator', 't-string', 't-wildcard', 't-escape', 't-number', 'TD', 'TH', 'v', 'c']) {
    assert.ok([...kinds].some((x) => x === k || x.startsWith(k + ' ')), `no ${k} in ${[...kinds].join(' ')}`);
  }
});

test('live tail: new matches appear at the top as they arrive', { skip: !LIVE && 'no KATAFILTER_UI_LIVE_URL' }, async () => {
  const { page } = b;
  await page.goto(new URL('?q=' + encodeURIComponent(FILTER) + '&live=1', LIVE).toString());
  await page.waitForSelector('body[data-ready="1"]');
  const first = Number(await text('#tbody tr td'));
  await page.locator('#tbody tr.new').first().waitFor({ timeout: 20000 });
  const top = Number(await text('#tbody tr td'));
  assert.ok(top > first, `the newest row is ${top}, was ${first}`);
  await page.waitForFunction(() => /\(live\)/.test(document.getElementById('count').textContent));
  assert.match(await text('#count'), new RegExp(`^${top} matching events \\(live\\)`));
  assert.equal(await text('#tbody tr.new td:nth-child(3)'), 'process');
  assert.match(await text('#tailnote'), /following/);
  await page.uncheck('#live');
  assert.doesNotMatch(page.url(), /live=1/);
});
