// Koers quality gate (`make audit`): visits every page of the built site in headless Chromium
// and fails on accessibility violations (axe-core, WCAG 2.1 A/AA), console and page errors,
// requests to other hosts, broken links and anchors, a missing lang="nl", keyboard problems
// (skip link, focus indicators), horizontal scrolling on a phone and navigation in print.
//
// Usage: node audit.mjs [site-dir] (run from anywhere; defaults to ../site next to this folder).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import * as config from './pages.mjs';
import { focusedElement, overflow, pageFacts, visibleChrome } from './lib/inpage.mjs';
import { serve } from './lib/server.mjs';
import { basePath, pick, sitePages } from './lib/site.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const siteDir = path.resolve(process.argv[2] ?? path.join(root, 'site'));
const shotsDir = path.join(here, 'screenshots');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Failures by page: Map(page → [{ kind, message }]). */
const failures = new Map();
function fail(page, kind, message) {
  if (!failures.has(page)) failures.set(page, []);
  failures.get(page).push({ kind, message });
}
const label = (page) => '/' + page;
const slug = (page) => page.replace(/\/$/, '').replace(/[/.]/g, '-') || 'home';

if (!existsSync(path.join(siteDir, 'index.html'))) {
  console.error(`audit: no built site in ${siteDir}; run \`make build\` first.`);
  process.exit(2);
}
const pages = await sitePages(siteDir);
const { base, siteUrl } = await basePath(path.join(root, 'mkdocs.yml'));
const phone = pick(config.PHONE_PAGES, pages);
const print = pick(config.PRINT_PAGES, pages);
const keyboard = pick(config.KEYBOARD_PAGES, pages);
for (const missing of new Set([...phone.missing, ...print.missing, ...keyboard.missing])) {
  fail(missing, 'config', 'listed in audit/pages.mjs but not in the built site');
}

const started = Date.now();
const server = await serve(siteDir, base);
const local = server.origin + base;
let browser;
const outside = [];
const phases = []; // "name 1.2s" for the summary
let lap = Date.now();
const phase = (name) => { phases.push(`${name} ${((Date.now() - lap) / 1000).toFixed(1)}s`); lap = Date.now(); };
const pageIn = new WeakMap(); // tab → the page it is checking, to blame errors and requests on
const LANES = Math.min(2, os.availableParallelism()); // tabs working side by side

// The server runs inside this process, so it stops whenever the audit does; Chromium (and its
// throwaway profile) is closed in `finally`.
try {
  await rm(shotsDir, { recursive: true, force: true }); // no stale screenshots of removed pages
  await mkdir(shotsDir, { recursive: true });
  // launch() starts Chromium with a fresh, throwaway --user-data-dir (removed on close).
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });

  const facts = new Map(); // page → { ids, links }
  console.log(`audit: ${pages.length} pages of ${siteDir}, served at ${local}`);
  await inLanes(pages, config.DESKTOP, 'screen', async (tab, page) => {
    const start = Date.now();
    const info = await tab.evaluate(pageFacts);
    facts.set(page, info);
    if (info.lang !== 'nl') fail(page, 'lang', `<html lang="${info.lang ?? ''}">, expected lang="nl"`);
    await runAxe(tab, page, 'desktop');
    await checkSkipLink(tab, page);
    if (keyboard.pages.includes(page)) await checkFocusIndicators(tab, page);
    if (phone.pages.includes(page)) await tab.screenshot({ path: path.join(shotsDir, `${slug(page)}-desktop.png`), fullPage: true });
    const problems = failures.get(page)?.length ?? 0;
    console.log(`  ${problems ? '✗' : '✓'} ${label(page)} (${((Date.now() - start) / 1000).toFixed(1)}s${problems ? `, ${problems} problems` : ''})`);
  });
  checkLinks(facts);
  phase('all pages');

  await inLanes(phone.pages, config.PHONE, 'screen', async (tab, page) => {
    const { scrollWidth, clientWidth, culprits } = await tab.evaluate(overflow);
    if (scrollWidth > clientWidth) {
      fail(page, 'phone', `scrolls sideways at ${config.PHONE.width}px (scrollWidth ${scrollWidth} > clientWidth ${clientWidth}); sticking out: ${culprits.join(', ') || '?'}`);
    }
    await runAxe(tab, page, 'phone');
    await tab.screenshot({ path: path.join(shotsDir, `${slug(page)}-phone.png`), fullPage: true });
  });
  phase('phone');

  await inLanes(print.pages, config.DESKTOP, 'print', async (tab, page) => {
    for (const selector of await tab.evaluate(visibleChrome, config.PRINT_HIDDEN)) {
      fail(page, 'print', `${selector} is visible in print`);
    }
    const file = path.join(shotsDir, `${slug(page)}.pdf`);
    const count = pdfPages(await tab.pdf({ path: file, format: 'A4', printBackground: true }));
    if (count < 1) fail(page, 'print', `the PDF ${path.relative(root, file)} has no pages`);
    else console.log(`  printed /${page} → ${path.relative(root, file)} (${count} page${count > 1 ? 's' : ''})`);
  });
  phase('print');
} finally {
  await browser?.close();
  await server.close();
}
process.exit(report());

/**
 * Load each page in turn in one of LANES tabs (at `viewport`, emulating `media`) and run
 * `check(tab, page)` on it. An error (a page that never loads, say) is that page's failure.
 */
async function inLanes(list, viewport, media, check) {
  const queue = [...list];
  await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, async () => {
    const tab = await newTab(viewport, media);
    for (let page = queue.shift(); page !== undefined; page = queue.shift()) {
      pageIn.set(tab, page);
      try {
        await tab.goto(local + page, { waitUntil: 'load' });
        await check(tab, page);
      } catch (error) {
        fail(page, 'audit error', error.message.split('\n')[0]);
      }
    }
    await tab.context().close();
  }));
}

/**
 * A tab in a window of its own (a browser context: tabs sharing a window do not animate in the
 * background), with axe-core loaded in every page. Console errors, page errors and failed local
 * requests count against the page it is checking; requests to other hosts are aborted.
 */
async function newTab(viewport, media) {
  const context = await browser.newContext({ viewport, locale: 'nl-NL', serviceWorkers: 'block' });
  await context.addInitScript(axeSource);
  const tab = await context.newPage();
  await tab.emulateMedia({ media });
  const page = () => pageIn.get(tab);
  // Privacy: nothing may leave the machine. Abort (and report) every request to another host.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === server.origin || ['data:', 'blob:'].includes(url.protocol)) return route.continue();
    console.log(`  ✗ aborted a request from /${page()} to ${url.href}`);
    outside.push({ page: page(), url: url.href });
    fail(page(), 'outside request', url.href);
    return route.abort('blockedbyclient');
  });
  tab.on('console', (msg) => {
    if (msg.type() === 'error') fail(page(), 'console error', `${msg.text()} (${msg.location().url || 'inline'})`);
  });
  tab.on('pageerror', (error) => fail(page(), 'page error', error.message));
  tab.on('response', (response) => {
    if (response.status() >= 400) {
      fail(page(), 'HTTP error', `${response.status()} for ${response.url()}`);
    }
  });
  return tab;
}

/** axe-core with the WCAG 2.0/2.1 A and AA rules: every violation, of any impact, fails. */
async function runAxe(tab, page, size) {
  const violations = await tab.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
  }).then((results) => results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map((node) => node.target.flat().join(' ')),
  }))), config.AXE_TAGS);
  for (const v of violations) {
    const nodes = v.nodes.slice(0, 5).join(' | ') + (v.nodes.length > 5 ? ` | … (${v.nodes.length} in all)` : '');
    fail(page, `axe (${size})`, `${v.id} [${v.impact}] ${v.help}\n      at: ${nodes}\n      see ${v.url}`);
  }
}

/** The first Tab must land on a skip link to this page's content, visible while focused. */
async function checkSkipLink(tab, page) {
  await tab.keyboard.press('Tab');
  const el = await tab.evaluate(focusedElement);
  if (!el || !el.href?.startsWith('#')) {
    fail(page, 'keyboard', `no skip link: the first Tab focuses ${el ? `${el.selector} "${el.label}"` : 'nothing'}`);
  } else if (!el.visible) {
    fail(page, 'keyboard', `the skip link ${el.selector} "${el.label}" is not visible when focused`);
  } else if (!el.indicator) {
    fail(page, 'keyboard', `no visible focus indicator on the skip link ${el.selector} (${el.style})`);
  }
}

/** Tab through the whole page: every focused element must be visible and show a focus indicator. */
async function checkFocusIndicators(tab, page) {
  const seen = new Set();
  for (let i = 0; i < 300; i++) {
    await tab.keyboard.press('Tab');
    const el = await tab.evaluate(focusedElement);
    if (!el) break;
    const key = `${el.selector} ${el.href ?? ''} ${el.label}`;
    if (seen.has(key)) break; // wrapped around
    seen.add(key);
    if (!el.visible) fail(page, 'keyboard', `focus on an element that cannot be seen: ${el.selector} "${el.label}"`);
    else if (!el.indicator) fail(page, 'keyboard', `no visible focus indicator on ${el.selector} "${el.label}" (${el.style})`);
  }
}

/** Every link into the site must reach an existing page, and its #fragment an id on that page. */
function checkLinks(facts) {
  for (const [page, { links }] of facts) {
    for (const { href, text } of links) {
      let url = new URL(href);
      if (siteUrl && href.startsWith(siteUrl)) url = new URL(href.slice(siteUrl.length), local);
      if (url.origin !== server.origin) continue; // other sites are not ours to check
      const broken = (why) => fail(page, 'broken link', `"${text}" → ${url.pathname}${url.hash}: ${why}`);
      if (!url.pathname.startsWith(base)) { broken(`outside the site's base path ${base}`); continue; }
      let target = decodeURIComponent(url.pathname.slice(base.length)).replace(/(^|\/)index\.html$/, '$1');
      if (!facts.has(target) && facts.has(target + '/')) target += '/';
      if (!facts.has(target)) {
        if (!existsSync(path.join(siteDir, target)) || target.endsWith('/')) broken('no such page');
        continue; // a file such as sitemap.xml: it exists, fragments are not checked
      }
      const fragment = decodeURIComponent(url.hash.slice(1));
      // An empty fragment and "#top" are always valid targets (HTML: scroll to the top).
      if (fragment && fragment !== 'top' && !facts.get(target).ids.includes(fragment)) {
        broken(`no element with id or name "${fragment}" on /${target}`);
      }
    }
  }
}

/** The number of pages in a PDF written by Chromium (the /Count of its page tree). */
function pdfPages(pdf) {
  const text = pdf.toString('latin1');
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)]
    .map((m) => Number(m[1] ?? m[2]));
  return counts.length ? Math.max(...counts) : (text.match(/\/Type\s*\/Page\b/g) ?? []).length;
}

/** Print the summary; returns the exit code. */
function report() {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nVisited ${pages.length} pages (${phone.pages.length} also at phone size, ${print.pages.length} printed) in ${seconds}s (${phases.join(', ')}).`);
  console.log(outside.length ? `Requests to other hosts (aborted): ${outside.length}` : 'Requests to other hosts: none');
  if (failures.size === 0) {
    console.log(`Screenshots and PDFs: ${path.relative(root, shotsDir)}/\naudit: OK, no problems found.`);
    return 0;
  }
  let total = 0;
  for (const [page, list] of [...failures].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`\n${label(page)} — ${list.length} problem${list.length > 1 ? 's' : ''}`);
    for (const { kind, message } of list) console.log(`  ✗ ${kind}: ${message}`);
    total += list.length;
  }
  const kinds = {};
  for (const list of failures.values()) for (const { kind } of list) kinds[kind] = (kinds[kind] ?? 0) + 1;
  console.log(`\naudit: FAILED, ${total} problems on ${failures.size} pages: ` +
    Object.entries(kinds).map(([kind, n]) => `${n} × ${kind}`).join(', '));
  return 1;
}
