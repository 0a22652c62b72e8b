// The one place that knows the transport. Inside the desktop app: Tauri's `invoke`.
// In a plain browser (a LAN desk, the tests): `POST /api/<command>` to `multaqa serve`.
// Both take the same JSON arguments and give the same JSON result or error
// ({code, message, fields}).

export class ApiError extends Error {
  constructor({ code = 'unknown', message = 'حدث خطأ غير متوقع', fields = [], existing_id: existingId = null } = {}) {
    super(message);
    this.code = code;
    this.fields = fields;
    /** A duplicate: the person already registered. */
    this.existingId = existingId;
  }
}

const tauri = window.__TAURI__ && window.__TAURI__.core;

/** A desk on the venue network keeps its token (from pairing) here. */
export const TOKEN_KEY = 'multaqa.deskToken';

/** Is this the host machine itself (the app window, or a browser on the same machine)? */
export const onHost = Boolean(tauri) || ['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname);

function toApiError(e) {
  if (e instanceof ApiError) return e;
  if (e && typeof e === 'object' && 'message' in e) return new ApiError(e);
  return new ApiError({ code: 'transport', message: String(e) });
}

/** The host's admin session (after the admin password), for locked commands. */
export const ADMIN_KEY = 'multaqa.adminToken';

/** The committee member signed in here (see the core's `account`), for every command. */
export const ACCOUNT_KEY = 'multaqa.accountToken';

// What a refusal asks for before the command is tried again: a sign-in, the admin password.
const ASK = { sign_in_required: () => window.multaqaSignIn, admin_locked: () => window.multaqaUnlock };

/** Runs a command; when it needs a sign-in or the admin password, asks once, then runs. */
export async function call(command, args = {}) {
  for (let tries = 0; ; tries++) {
    try {
      return await send(command, withSessions(args));
    } catch (e) {
      const ask = e instanceof ApiError && ASK[e.code] && ASK[e.code]();
      if (!ask || tries >= 2 || !(await ask())) throw e;
    }
  }
}

function withSessions(args) {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return args;
  const admin = sessionStorage.getItem(ADMIN_KEY);
  const account = sessionStorage.getItem(ACCOUNT_KEY);
  return {
    ...args,
    ...(admin ? { admin_token: admin } : {}),
    ...(account ? { account_token: account } : {}),
  };
}

async function send(command, args) {
  if (tauri) {
    try {
      return await tauri.invoke(command, args);
    } catch (e) {
      throw toApiError(e);
    }
  }
  let res;
  const headers = { 'Content-Type': 'application/json' };
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    res = await fetch(`/api/${encodeURIComponent(command)}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(args),
    });
  } catch (e) {
    throw new ApiError({ code: 'offline', message: 'تعذر الاتصال بالخادم؛ تحقق من الشبكة' });
  }
  const body = await res.json().catch(() => null);
  if (res.status === 401 && body && body.error && body.error.code === 'desk_token_required') {
    window.dispatchEvent(new CustomEvent('multaqa:pair-required'));
  }
  if (!res.ok) {
    throw toApiError((body && body.error) || { code: 'http', message: `تعذر تنفيذ الطلب (${res.status})` });
  }
  return body;
}

export const transport = tauri ? 'tauri' : 'http';
