// Calls to the dashboard's relay (/api/**) and its own endpoints, with the session cookie (never a key: the page
// does not know it). A refusal for want of a session sends the page back to sign-in; a service that does not
// answer (a problem naming it) raises the banner.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.service = problem?.service ?? null;
  }
}

async function call(path, init = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...init,
    headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') ?? '';
  const body = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, body);
    if (response.status === 401 && !path.startsWith('/dashboard/session')) {
      window.dispatchEvent(new CustomEvent('l2r:signed-out'));
    }
    if (error.service && response.status >= 500) {
      window.dispatchEvent(new CustomEvent('l2r:service-down', { detail: { service: error.service, detail: error.message } }));
    }
    throw error;
  }
  return body;
}

export const get = (path) => call(path);
export const post = (path, body) => call(path, { method: 'POST', body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json' } });
export const del = (path) => call(path, { method: 'DELETE' });
