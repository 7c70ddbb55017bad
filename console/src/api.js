// The admin API client: the token lives in sessionStorage (gone when the tab closes) and goes
// in the Authorization header of every call. Only same-origin requests.
const KEY = 'concord.adminToken';

export const session = {
  get token() { return sessionStorage.getItem(KEY) || ''; },
  set token(t) { if (t) sessionStorage.setItem(KEY, t); else sessionStorage.removeItem(KEY); },
  who: null,
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${session.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    cache: 'no-store',
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const e = json && json.error ? json.error : { code: 'http_' + res.status, message: text || res.statusText };
    if (res.status === 401) window.dispatchEvent(new CustomEvent('concord:unauthorized'));
    throw new ApiError(res.status, e.code, e.message);
  }
  return json;
}

// Reads an SSE stream with fetch (EventSource cannot send an Authorization header) and calls
// onEvent(name, data) per event. Reconnects after a drop until the signal aborts.
export async function subscribe(path, onEvent, signal, onState = () => {}) {
  while (!signal.aborted) {
    try {
      const res = await fetch(path, { headers: { Authorization: `Bearer ${session.token}` }, signal, cache: 'no-store' });
      if (res.status === 401) {
        window.dispatchEvent(new CustomEvent('concord:unauthorized'));
        return;
      }
      if (!res.ok || !res.body) throw new Error('stream ' + res.status);
      onState('live');
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let end;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const raw = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let name = 'message';
          const data = [];
          for (const line of raw.split('\n')) {
            if (line.startsWith(':')) continue;
            if (line.startsWith('event:')) name = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length) onEvent(name, data.join('\n'));
        }
      }
    } catch (e) {
      if (signal.aborted) return;
    }
    onState('reconnecting');
    await new Promise((r) => setTimeout(r, 2000));
  }
}
