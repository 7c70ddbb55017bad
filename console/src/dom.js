// h(tag, attrs, ...children): builds elements. Strings become text nodes, never HTML, so that
// request previews, reasons and rule texts from anywhere cannot inject markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function toast(message, kind = 'info') {
  const t = document.getElementById('toast');
  clear(t).append(h('div', { class: `toast toast-${kind}` }, message));
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => clear(t), 5000);
}

export function fmtTime(us) {
  if (!us) return '-';
  return new Date(Number(us) / 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function fmtNumber(n) {
  return Number(n || 0).toLocaleString('en-US');
}

// A table from rows of cells; header cells are strings.
export function table(headers, rows, attrs = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows));
}
