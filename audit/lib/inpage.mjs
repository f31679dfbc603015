// Functions that run inside the page (passed to page.evaluate): they may only use their
// arguments and the DOM, nothing from this module's scope.

/** lang of <html>, every element id / a[name] (fragment targets) and every link. */
export function pageFacts() {
  const describe = (el) => (el.textContent || el.getAttribute('aria-label') || el.getAttribute('title') || '')
    .replace(/\s+/g, ' ').trim().slice(0, 60);
  return {
    lang: document.documentElement.getAttribute('lang'),
    ids: [
      ...[...document.querySelectorAll('[id]')].map((el) => el.id),
      ...[...document.querySelectorAll('a[name]')].map((el) => el.getAttribute('name')),
    ],
    links: [...document.querySelectorAll('a[href]')].map((a) => ({ href: a.href, text: describe(a) })),
  };
}

/** Describe the focused element: what it is, whether it can be seen, and its focus indicator. */
export async function focusedElement() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const transparent = (colour) => colour === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(colour);
  const measure = () => {
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1
      && !transparent(style.outlineColor);
    const shadow = style.boxShadow !== 'none' && !/^rgba\([^)]*,\s*0\)/.test(style.boxShadow);
    const inViewport = rect.width >= 1 && rect.height >= 1 && rect.bottom > 0 && rect.right > 0
      && rect.top < innerHeight && rect.left < innerWidth;
    return {
      visible: inViewport && parseFloat(style.opacity) > 0.5
        && el.checkVisibility({ opacityProperty: true, visibilityProperty: true }),
      indicator: outline || shadow,
      style: `outline: ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}; box-shadow: ${style.boxShadow}`,
    };
  };
  // Maybe still fading in (Material's skip link, the ¶ links): look again for up to a second.
  let seen = measure();
  for (let wait = 0; wait < 1000 && !(seen.visible && seen.indicator); wait += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = measure();
  }
  let selector = el.tagName.toLowerCase();
  const classes = [...el.classList].filter((name) => name !== 'focus-visible'); // Material's polyfill
  if (el.id) selector += '#' + el.id;
  else if (classes.length) selector += '.' + classes.join('.');
  const label = (el.textContent || el.getAttribute('aria-label') || el.getAttribute('placeholder') || '')
    .replace(/\s+/g, ' ').trim().slice(0, 50);
  return { selector, label, href: el.getAttribute('href'), ...seen };
}

/** Horizontal overflow of the page, with the elements that cause it. */
export function overflow() {
  const root = document.documentElement;
  const width = root.clientWidth;
  // Does el widen the page? Not when a scroll or clip box in its containing-block chain holds it,
  // or when it hangs off a fixed element (such as the closed navigation drawer).
  const widensPage = (el) => {
    let position = getComputedStyle(el).position;
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (position === 'fixed') return false;
      const style = getComputedStyle(box);
      const containing = position !== 'absolute' || style.position !== 'static' || style.transform !== 'none';
      if (!containing) continue;
      if (style.overflowX !== 'visible') return false;
      position = style.position;
    }
    return position !== 'fixed';
  };
  const culprits = [];
  if (root.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.right > width + 1 && widensPage(el)) {
        const classes = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
        culprits.push(`${el.tagName.toLowerCase()}${classes} (right edge ${Math.round(rect.right)}px)`);
      }
    }
  }
  const shown = culprits.slice(0, 5).concat(culprits.length > 5 ? [`… ${culprits.length} in all`] : []);
  return { scrollWidth: root.scrollWidth, clientWidth: width, culprits: shown };
}

/** Which of the given selectors match an element that is visible (under the current media). */
export function visibleChrome(selectors) {
  return selectors.filter((selector) => [...document.querySelectorAll(selector)].some((el) => {
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0
      && el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  }));
}
