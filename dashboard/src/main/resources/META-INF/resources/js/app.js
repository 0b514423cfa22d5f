// The dashboard's shell: sign-in, navigation between the views (?view=…), and the banner that says when a service
// does not answer.
import { get, post, del } from './api.js';
import { el } from './ui.js';

const VIEWS = ['funnel', 'cohorts', 'velocity', 'forecast', 'lead', 'freshness'];
const STATUS_EVERY_MS = 15000;
const main = document.getElementById('main');
const banner = document.getElementById('banner');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');
let statusTimer = null;

function currentView() {
  const v = new URLSearchParams(location.search).get('view') ?? 'funnel';
  return VIEWS.includes(v) ? v : 'funnel';
}

async function render() {
  const view = currentView();
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const module = await import(`./views/${view}.js`);
  const box = el('div', { 'data-view': view });
  main.replaceChildren(box);
  await module.render(box, { rerender: render });
}

function showSignIn(message) {
  nav.hidden = true;
  signOut.hidden = true;
  clearInterval(statusTimer);
  const form = document.getElementById('sign-in-template').content.cloneNode(true);
  main.replaceChildren(form);
  const error = document.getElementById('sign-in-error');
  if (message) { error.textContent = message; error.hidden = false; }
  document.getElementById('sign-in-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = document.getElementById('api-key');
    error.hidden = true;
    try {
      await post('/dashboard/session', { apiKey: input.value });
      input.value = '';
      signedIn();
    } catch (failure) {
      input.value = '';
      error.textContent = failure.status === 401 ? 'This key was refused.'
        : failure.status === 403 ? 'This key may not read L2R’s figures.'
          : `Signing in failed: ${failure.message}`;
      error.hidden = false;
      input.focus();
    }
  });
  document.getElementById('api-key').focus();
  // the dashboard's own OIDC sign-in, when it is on: a plain link, the issuer and the dashboard do the rest
  get('/dashboard/session/methods').then((methods) => {
    if (!methods?.oidc) return;
    const link = document.getElementById('oidc-link');
    if (!link) return;
    link.textContent = `Sign in with ${methods.oidc.issuer}`;
    link.href = methods.oidc.href;
    document.getElementById('oidc-sign-in').hidden = false;
  }, () => null);
}

function signedIn() {
  nav.hidden = false;
  signOut.hidden = false;
  checkServices();
  clearInterval(statusTimer);
  statusTimer = setInterval(checkServices, STATUS_EVERY_MS);
  render();
}

/** The banner lists the services that do not answer (or are not ready); it goes when they all are. */
const down = new Map();
function showBanner() {
  if (down.size === 0) { banner.hidden = true; banner.textContent = ''; return; }
  banner.textContent = '⚠ ' + [...down.entries()].map(([s, why]) => `${s} ${why}`).join('; ')
    + '. Figures from it are missing until it answers again.';
  banner.dataset.services = [...down.keys()].join(' ');
  banner.hidden = false;
}

async function checkServices() {
  try {
    const status = await get('/dashboard/status');
    down.clear();
    for (const s of status.services) {
      if (s.status === 'UNREACHABLE') down.set(s.service, 'does not answer');
      else if (s.status !== 'UP') down.set(s.service, 'is not ready');
    }
    showBanner();
  } catch (e) {
    if (e.status !== 401) { down.set('the dashboard', 'does not answer'); showBanner(); }
  }
}

window.addEventListener('l2r:service-down', (e) => { down.set(e.detail.service, 'does not answer'); showBanner(); });
window.addEventListener('l2r:signed-out', () => showSignIn('Your session has ended; sign in again.'));
window.addEventListener('popstate', () => { if (!nav.hidden) render(); });
signOut.addEventListener('click', async () => { await del('/dashboard/session').catch(() => null); showSignIn(); });

get('/dashboard/session').then(signedIn, () => showSignIn());
