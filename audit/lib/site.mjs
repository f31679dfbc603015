// Which pages the audit visits: every HTML page of site/, plus the representative pages
// that also get phone, screenshot and print checks (edit audit/pages.mjs to add more).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Every page of the built site as a path relative to the site root: "", "inleiding/", "404.html". */
export async function sitePages(siteDir) {
  const pages = [];
  async function walk(dir, rel) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (rel === '' && ['search', 'assets'].includes(entry.name)) continue; // assets, not pages
        await walk(path.join(dir, entry.name), rel + entry.name + '/');
      } else if (entry.name === 'index.html') {
        pages.push(rel);
      } else if (rel === '' && entry.name === '404.html') {
        pages.push('404.html');
      }
    }
  }
  await walk(siteDir, '');
  return pages.sort();
}

/** The path of site_url in mkdocs.yml ("/sociale-agenda/"), where the site is served; "/" if unset. */
export async function basePath(configFile) {
  const text = await readFile(configFile, 'utf8');
  const match = text.match(/^site_url:\s*["']?([^\s"'#]+)/m);
  if (!match) return { base: '/', siteUrl: null };
  let base = new URL(match[1]).pathname;
  if (!base.endsWith('/')) base += '/';
  return { base, siteUrl: new URL(base, match[1]).href };
}

/**
 * Resolve a list of page specs against the pages of the site. A spec is a page path
 * ("samenhang/"; it must exist) or { firstUnder: "vergelijk/" } (the first page found under
 * that folder; skipped when there is none). Returns { pages, missing }.
 */
export function pick(specs, pages) {
  const picked = [];
  const missing = [];
  for (const spec of specs) {
    if (typeof spec === 'string') {
      if (pages.includes(spec)) picked.push(spec);
      else missing.push(spec);
    } else {
      const found = pages.find((page) => page.startsWith(spec.firstUnder));
      if (found) picked.push(found);
    }
  }
  return { pages: [...new Set(picked)], missing };
}
