// The representative pages of `make audit`. Add a page here to check it too; nothing else
// needs to change. A string must be a page of the site (the audit fails if it is gone);
// { firstUnder: 'folder/' } picks the first page under that folder and is skipped if none.
// `koers init` copies this file into a new agenda, so it names no page of Leiderdorp's own.

/** Checked at phone size (390×844) for horizontal scrolling, and screenshotted at both sizes. */
export const PHONE_PAGES = [
  '',
  { firstUnder: 'themas/' },
  { firstUnder: 'doelen/' },
  'samenhang/',
  { firstUnder: 'vergelijk/' },
];

/** Printed to an A4 PDF; the navigation and search chrome must be hidden in print. */
export const PRINT_PAGES = [
  { firstUnder: 'doelen/' },
  { firstUnder: 'vergelijk/' },
];

/** Tabbed through completely: every focused element must be visible and show a focus indicator.
 *  (On every page the first Tab must reach a visible skip link.) */
export const KEYBOARD_PAGES = [...PHONE_PAGES, 'wijzigingen/', '404.html'];

/** Elements that must not be visible in print. */
export const PRINT_HIDDEN = ['.md-header', '.md-sidebar', '.md-search', '.md-footer', '.koers-edit'];

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
