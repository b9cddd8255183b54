// Staff pages (named accounts: enrollment officers, reviewers, administrators). They use the
// session API of docs/API.md: a cookie (HttpOnly, SameSite=Strict) and the CSRF token on every
// change. None of these pages ever sees a member's key or which member did what.
import {
  api,
  ApiError,
  setCsrfToken,
  type AccountRow,
  type Holiday,
  type OrgDetail,
  type OrgSettings,
  type OrgSummary,
  type Period,
  type Policy,
  type RosterEvent,
  type SessionInfo,
} from '../api.js';
import { navigate, route, stillHere, titled, type Page } from '../router.js';
import {
  add,
  choice,
  copyText,
  errorRegion,
  field,
  focusResult,
  form,
  formatDate,
  formatTime,
  h, tableWrap,
  notice,
  plural,
  replace,
  statusRegion,
  type Child,
} from '../ui/dom.js';
import { showError } from '../ui/errors.js';
import { channelsEditor } from './channels.js';
import { myDigest, notificationSettings } from './notifications.js';
import { statisticsPage } from './statistics.js';

export type Role = 'administrator' | 'enrollment_officer' | 'reviewer';

export const ROLE_NAMES: Record<Role, string> = {
  administrator: 'Administrator',
  enrollment_officer: 'Enrollment officer',
  reviewer: 'Reviewer',
};

interface Section {
  path: string;
  title: string;
  roles: Role[] | null; // null: any staff
  description: string;
}

const SECTIONS: Section[] = [
  { path: '/staff/invitations', title: 'Invitations', roles: ['enrollment_officer'], description: 'Create one-time invitations for new members.' },
  { path: '/staff/roster', title: 'Roster', roles: null, description: 'How many members there are, and every change to the roster.' },
  { path: '/staff/people', title: 'Staff and reviewers', roles: ['administrator'], description: 'Accounts, their roles, and who reviews cables.' },
  { path: '/staff/policy', title: 'Deadlines and holidays', roles: null, description: 'The deadline policy for cables and the holiday calendar.' },
  { path: '/staff/statistics', title: 'Statistics', roles: ['administrator'], description: 'How cables are acknowledged and answered within their deadlines, month by month.' },
  { path: '/staff/letters', title: 'Publish a letter', roles: null, description: 'Freeze a letter’s text so members can sign it.' },
  { path: '/staff/security', title: 'Your sign-in', roles: null, description: 'Two-step sign-in with an authenticator app.' },
];

// Extra sections registered by other modules (the reviewer's inbox), first in the tabs.
export function addStaffSection(section: Section, page: StaffPage): void {
  SECTIONS.unshift(section);
  route(section.path, '/staff', staffPage(section.path, page));
}

// A staff page outside the tabs (one cable): `current` names the tab to mark.
export function addStaffPage(pattern: string, current: string, page: StaffPage): void {
  route(pattern, '/staff', staffPage(current, page, pattern));
}

export type StaffPage = (main: HTMLElement, session: SessionInfo, params: Record<string, string>) => Promise<(() => void) | void> | (() => void) | void;

let session: SessionInfo | null = null;

export function hasRole(s: SessionInfo, role: Role): boolean {
  return s.account.roles.includes(role);
}

async function currentSession(): Promise<SessionInfo | null> {
  try {
    session = await api<SessionInfo>('/session', { as: 'staff' });
    setCsrfToken(session.csrf_token);
    return session;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session = null;
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

// Runs `page` when signed in; otherwise shows the sign-in form, and the page after it.
function staffPage(path: string, page: StaffPage, pattern?: string): Page {
  return async (main, params) => {
    const errors = errorRegion();
    const here = stillHere();
    let s: SessionInfo | null;
    try {
      s = await currentSession();
    } catch (e) {
      main.append(h('h1', null, 'Staff'), errors);
      showError(errors, e, 'Your session could not be checked.');
      titled(main, 'Staff');
      return;
    }
    if (!here()) return;
    if (!s) {
      const back = pattern ? pattern.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(params[k] ?? '')) : path;
      signInForm(main, () => navigate(back));
      return;
    }
    main.append(staffNav(s, path));
    return page(main, s, params);
  };
}

function staffNav(s: SessionInfo, current: string): HTMLElement {
  const signOut = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
  signOut.addEventListener('click', () => {
    void api('/session', { method: 'DELETE', as: 'staff' })
      .catch(() => undefined)
      .finally(() => {
        session = null;
        setCsrfToken(null);
        navigate('/staff');
      });
  });
  return h(
    'div',
    null,
    h(
      'p',
      { class: 'actions' },
      h('span', null, 'Signed in as ', h('strong', { 'data-testid': 'staff-user' }, s.account.username), ` (${s.account.organization}) · `, s.account.roles.map((r) => ROLE_NAMES[r as Role] ?? r).join(', ')),
      signOut,
    ),
    h(
      'nav',
      { 'aria-label': 'Staff sections' },
      h(
        'ul',
        { class: 'tabs' },
        h('li', null, h('a', { href: '#/staff', 'aria-current': current === '/staff' ? 'page' : null }, 'Overview')),
        SECTIONS.filter((sec) => sec.roles === null || sec.roles.some((r) => hasRole(s, r))).map((sec) =>
          h('li', null, h('a', { href: `#${sec.path}`, 'aria-current': current === sec.path ? 'page' : null }, sec.title)),
        ),
      ),
    ),
  );
}

function signInForm(main: HTMLElement, done: () => void): void {
  const errors = errorRegion();
  const org = h('select', { required: true, name: 'organization' });
  const username = h('input', { type: 'text', required: true, autocomplete: 'username', name: 'username', autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { type: 'password', required: true, autocomplete: 'current-password', name: 'password' });
  const totp = h('input', { type: 'text', autocomplete: 'one-time-code', spellcheck: 'false', autocapitalize: 'none', maxlength: 24, name: 'totp' });
  const f = form(
    { 'aria-label': 'Staff sign-in' },
    async () => {
      errors.replaceChildren();
      try {
        const body: Record<string, string> = { organization: org.value, username: username.value.trim(), password: password.value };
        if (totp.value.trim()) body['totp'] = totp.value.trim();
        const s = await api<SessionInfo>('/session', { method: 'POST', body, as: 'staff' });
        password.value = '';
        session = s;
        setCsrfToken(s.csrf_token);
        done();
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          showError(errors, new Error('The username, password or code is not right. Check them and try again; after several failures you must wait a few minutes.'));
        } else showError(errors, e, 'You could not sign in.');
        password.select();
      }
    },
    field({ label: 'Organization', input: org }),
    field({ label: 'Username', input: username }),
    field({ label: 'Password', input: password }),
    field({ label: 'Code from your authenticator app', input: totp, hint: 'Only if you turned on two-step sign-in. Lost your phone? Type one of your recovery codes instead.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')),
    errors,
  );
  main.append(
    h('h1', null, 'Staff sign-in'),
    h('p', null, 'For enrollment officers, reviewers and administrators. Members never sign in: they use their key instead.'),
    f,
  );
  titled(main, 'Staff sign-in');
  void api<{ organizations: OrgSummary[] }>('/orgs').then(
    ({ organizations }) => {
      for (const o of organizations) org.append(h('option', { value: o.slug }, o.name));
      if (organizations.length === 0) showError(errors, new Error('This server has no organization yet. Create one with `candor admin bootstrap`.'));
    },
    (e: unknown) => showError(errors, e, 'The organizations could not be loaded.'),
  );
}

// ---- Overview ----

const overview: StaffPage = (main, s) => {
  main.append(
    h('h1', null, 'Staff'),
    h(
      'ul',
      { class: 'choices' },
      SECTIONS.filter((sec) => sec.roles === null || sec.roles.some((r) => hasRole(s, r))).map((sec) =>
        h('li', null, h('a', { href: `#${sec.path}` }, h('strong', null, sec.title), h('span', null, sec.description))),
      ),
    ),
  );
  titled(main, 'Staff');
};

// ---- Invitations ----

const invitations: StaffPage = async (main, s) => {
  const slug = s.account.organization;
  const errors = errorRegion();
  const openCount = h('strong', { 'data-testid': 'open-invitations' }, '…');
  const result = h('div', { 'aria-live': 'polite' });
  const hours = h('select', { name: 'valid_hours' });
  for (const [v, label] of [[24, '1 day'], [72, '3 days'], [168, '1 week'], [720, '30 days']] as const) {
    hours.append(h('option', { value: v, selected: v === 72 }, label));
  }
  const count = h('input', { name: 'count', type: 'number', min: 1, max: 1000, value: 1, inputmode: 'numeric' });
  const refresh = async () => {
    try {
      const r = await api<{ open: number }>(`/orgs/${slug}/invitations`, { as: 'staff' });
      openCount.textContent = r.open.toLocaleString();
    } catch (e) {
      showError(errors, e);
    }
  };
  const f = form(
    { 'aria-label': 'Create an invitation' },
    async () => {
      errors.replaceChildren();
      result.replaceChildren();
      try {
        const n = Number(count.value);
        if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('Create 1 to 1,000 invitations at once.');
        if (n > 1) {
          // Several at once (one request, one expiry): a list to print or hand out, shown once.
          const many = await api<{ invitations: string[]; expires_at_ms: number }>(`/orgs/${slug}/invitations`, {
            method: 'POST',
            body: { valid_hours: Number(hours.value), count: n },
            as: 'staff',
          });
          const text = many.invitations.join('\n') + '\n';
          const copied = statusRegion();
          replace(
            result,
            notice(
              'ok',
              h('p', null, h('strong', null, `${many.invitations.length.toLocaleString()} new invitations. `),
                `Each works once, until ${formatTime(many.expires_at_ms)}. Candor will not show them again.`),
              h('pre', { class: 'secret-box', 'data-testid': 'invitation-codes', tabindex: 0 }, text),
              h('div', { class: 'actions' },
                h('button', {
                  type: 'button',
                  onclick: () => {
                    void copyText(text).then((ok) => replace(copied, ok ? 'Copied.' : 'This browser would not copy: select the codes and copy them by hand.'));
                  },
                }, 'Copy the codes'),
                copied),
              h('p', null, 'Give each code to one employee privately, after checking their employment. Candor does not record which key uses which invitation.'),
            ),
          );
          void refresh();
          return;
        }
        const inv = await api<{ invitation: string; expires_at_ms: number }>(`/orgs/${slug}/invitations`, {
          method: 'POST',
          body: { valid_hours: Number(hours.value) },
          as: 'staff',
        });
        const copied = statusRegion();
        replace(
          result,
          notice(
            'ok',
            h('p', null, h('strong', null, 'New invitation. '), `It works once, until ${formatTime(inv.expires_at_ms)}. Candor will not show it again.`),
            h('p', { class: 'secret-box', 'data-testid': 'invitation-code' }, inv.invitation),
            h(
              'div',
              { class: 'actions' },
              h('button', {
                type: 'button',
                onclick: () => {
                  void copyText(inv.invitation).then((ok) => replace(copied, ok ? 'Copied.' : 'This browser would not copy: select the code and copy it by hand.'));
                },
              }, 'Copy the code'),
              copied,
            ),
            h(
              'p',
              null,
              'Give it to the employee privately (in person, or by a channel you trust), after checking their employment. ',
              'Candor does not record which key uses which invitation, so not even you will learn which key is theirs.',
            ),
          ),
        );
        void refresh();
      } catch (e) {
        showError(errors, e, 'No invitation was created.');
      }
    },
    field({ label: 'Valid for', input: hours }),
    field({ label: 'How many', input: count, hint: 'Up to 1,000 at once, for a whole office.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create invitations')),
  );
  main.append(
    h('h1', null, 'Invitations'),
    h('p', null, 'Each invitation lets one person join the roster with a key made on their own device. Open invitations right now: ', openCount, '.'),
    errors,
    f,
    result,
  );
  titled(main, 'Invitations');
  await refresh();
};

// ---- Roster ----

const roster: StaffPage = async (main, s) => {
  const slug = s.account.organization;
  const errors = errorRegion();
  main.append(h('h1', null, 'Roster'), errors);
  titled(main, 'Roster');
  const here = stillHere();
  let org: OrgDetail;
  let events: RosterEvent[];
  try {
    [org, { events }] = await Promise.all([
      api<OrgDetail>(`/orgs/${slug}`),
      api<{ events: RosterEvent[] }>(`/orgs/${slug}/roster-history`),
    ]);
  } catch (e) {
    if (here()) showError(errors, e, 'The roster could not be loaded.');
    return;
  }
  if (!here()) return;
  const removeArea = h('div');
  if (hasRole(s, 'enrollment_officer')) {
    const key = h('input', { type: 'text', required: true, autocomplete: 'off', spellcheck: 'false', name: 'ring_public', pattern: '[0-9a-fA-F]{64}' });
    const confirm = h('input', { type: 'checkbox', required: true });
    const rerr = errorRegion();
    const rstat = statusRegion();
    add(
      removeArea,
      h('h2', null, 'Remove a member'),
      h('p', null, 'For someone who left the organization. You need their public ring key (they can read it under “Public keys” on their “My letters and keys” page, or with `candor key show`). Letters already published keep them as an eligible signer.'),
      form(
        { 'aria-label': 'Remove a member' },
        async () => {
          rerr.replaceChildren();
          try {
            if (!/^[0-9a-fA-F]{64}$/.test(key.value.trim())) throw new Error('A ring key is 64 hexadecimal characters. Paste it exactly.');
            if (!confirm.checked) throw new Error('Tick the box to confirm the removal.');
            const r = await api<{ roster_size: number; version: number }>(`/orgs/${slug}/roster/remove`, {
              method: 'POST',
              body: { ring_public: key.value.trim().toLowerCase() },
              as: 'staff',
            });
            key.value = '';
            confirm.checked = false;
            replace(rstat, notice('ok', h('p', null, `Removed. The roster is now version ${r.version} with ${plural(r.roster_size, 'member')}.`)));
          } catch (e) {
            showError(rerr, e, 'Nobody was removed.');
          }
        },
        field({ label: 'Ring public key', input: key }),
        choice(confirm, 'I checked that this is the right key; the removal is public and permanent.'),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, 'Remove from the roster')),
        rstat,
        rerr,
      ),
    );
  }
  const shown = [...events].reverse();
  add(
    main,
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Members now'),
      h('dd', { 'data-testid': 'roster-size' }, org.roster_size.toLocaleString()),
      h('dt', null, 'Roster version'),
      h('dd', null, org.roster_version.toLocaleString()),
      h('dt', null, 'Digest'),
      h('dd', null, h('code', { class: 'break' }, org.roster_digest)),
    ),
    h('h2', null, 'History'),
    h('p', { class: 'hint' }, 'Every change is a public log entry. Keys are shown, never names: Candor does not know them.'),
    tableWrap(
      'Roster history',
      h(
        'table',
        null,
        h('thead', null, h('tr', null, h('th', { class: 'num' }, 'Version'), h('th', null, 'Change'), h('th', null, 'Ring key'), h('th', { class: 'num' }, 'Log entry'))),
        h(
          'tbody',
          null,
          shown.map((ev) =>
            h(
              'tr',
              null,
              h('td', { class: 'num' }, String(ev.version)),
              h('td', null, ev.action === 'add' ? 'Joined' : 'Removed'),
              h('td', null, h('code', { title: ev.ring_public }, `${ev.ring_public.slice(0, 16)}…`)),
              h('td', { class: 'num' }, String(ev.log_index)),
            ),
          ),
        ),
      ),
    ),
    removeArea,
  );
};

// ---- People: accounts and reviewers ----

const ALL_ROLES: Role[] = ['administrator', 'enrollment_officer', 'reviewer'];

function roleBoxes(selected: string[], idPrefix: string): { element: HTMLElement; value: () => Role[] } {
  const boxes = ALL_ROLES.map((r) => {
    const box = h('input', { type: 'checkbox', value: r, id: `${idPrefix}-${r}`, checked: selected.includes(r) });
    return { r, box };
  });
  return {
    element: h('fieldset', null, h('legend', null, 'Roles'), boxes.map(({ r, box }) => choice(box, ROLE_NAMES[r]))),
    value: () => boxes.filter((b) => b.box.checked).map((b) => b.r),
  };
}

const people: StaffPage = async (main, s) => {
  const slug = s.account.organization;
  const errors = errorRegion();
  const list = h('div');
  main.append(
    h('h1', null, 'Staff and reviewers'),
    h('p', null, 'Named accounts of your organization. Reviewers read and answer dissent cables; enrollment officers issue invitations; administrators manage this page and the deadline policy.'),
    errors,
    list,
  );
  titled(main, 'Staff and reviewers');
  const here = stillHere();
  const draw = async () => {
    let accounts: AccountRow[];
    try {
      ({ accounts } = await api<{ accounts: AccountRow[] }>(`/orgs/${slug}/accounts`, { as: 'staff' }));
    } catch (e) {
      if (here()) showError(errors, e, 'The accounts could not be loaded.');
      return;
    }
    if (!here()) return;
    replace(
      list,
      h('h2', null, 'Reviewers'),
      (() => {
        const reviewers = accounts.filter((a) => a.roles.includes('reviewer') && !a.disabled);
        return reviewers.length === 0
          ? notice('warn', h('p', null, 'There is no active reviewer: nobody can read cables. Give the reviewer role to at least two people.'))
          : h('p', { 'data-testid': 'reviewers' }, reviewers.map((a) => a.username).join(', '));
      })(),
      h('h2', null, 'Accounts'),
      h('ul', { class: 'cards' }, accounts.map((a) => accountCard(slug, a, s, () => void draw()))),
      channelsEditor(
        slug,
        accounts.filter((a) => a.roles.includes('reviewer') && !a.disabled),
      ),
      notificationSettings(slug),
    );
  };
  const username = h('input', { type: 'text', required: true, autocomplete: 'off', name: 'new-username', autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { type: 'password', required: true, autocomplete: 'new-password', name: 'new-password' });
  const roles = roleBoxes(['reviewer'], 'new');
  const cerr = errorRegion();
  const cstat = statusRegion();
  main.append(
    h('h2', null, 'Add an account'),
    form(
      { 'aria-label': 'Add an account' },
      async () => {
        cerr.replaceChildren();
        try {
          if (roles.value().length === 0) throw new Error('Choose at least one role.');
          await api(`/orgs/${slug}/accounts`, {
            method: 'POST',
            body: { username: username.value.trim(), password: password.value, roles: roles.value() },
            as: 'staff',
          });
          replace(cstat, notice('ok', h('p', null, `Account ${username.value.trim()} created. Give them the password privately and ask them to turn on two-step sign-in.`)));
          username.value = '';
          password.value = '';
          await draw();
        } catch (e) {
          showError(cerr, e, 'The account was not created.');
        }
      },
      field({ label: 'Username', input: username }),
      field({ label: 'First password', input: password, hint: 'They sign in with it; at least 12 characters.' }),
      roles.element,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add the account')),
      cstat,
      cerr,
    ),
  );
  await draw();
};

function accountCard(slug: string, a: AccountRow, s: SessionInfo, redraw: () => void): HTMLElement {
  const errors = errorRegion();
  const roles = roleBoxes(a.roles, `acct-${a.id}`);
  const self = a.id === s.account.id;
  return h(
    'li',
    { class: 'card' },
    h('h3', null, a.username, self ? ' (you)' : '', ' ', a.disabled ? h('span', { class: 'badge bad' }, 'Disabled') : null, ' ', a.totp ? h('span', { class: 'badge ok' }, 'Two-step sign-in') : null),
    form(
      { 'aria-label': `Roles of ${a.username}` },
      async () => {
        errors.replaceChildren();
        try {
          await api(`/orgs/${slug}/accounts/${a.id}`, { method: 'PATCH', body: { roles: roles.value() }, as: 'staff' });
          redraw();
        } catch (e) {
          showError(errors, e, 'The roles were not changed.');
        }
      },
      roles.element,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'secondary' }, 'Save roles'),
        self
          ? null
          : h('button', {
              type: 'button',
              class: a.disabled ? 'secondary' : 'danger',
              onclick: () => {
                void api(`/orgs/${slug}/accounts/${a.id}`, { method: 'PATCH', body: { disabled: !a.disabled }, as: 'staff' }).then(redraw, (e: unknown) =>
                  showError(errors, e),
                );
              },
            }, a.disabled ? 'Enable the account' : 'Disable the account'),
      ),
    ),
    errors,
  );
}

// ---- Deadline policy and holidays ----

const PRESETS: Record<string, Policy> = {
  'dissent-channel': {
    name: 'dissent-channel',
    acknowledge: { amount: 2, unit: 'working-days' },
    answer: { amount: 30, unit: 'working-days' },
    extended_answer: { amount: 60, unit: 'working-days' },
  },
  'eu-whistleblowing': {
    name: 'eu-whistleblowing',
    acknowledge: { amount: 7, unit: 'calendar-days' },
    answer: { amount: 3, unit: 'calendar-months' },
    extended_answer: null,
  },
};

export function periodText(p: Period): string {
  const unit = p.unit === 'working-days' ? 'working day' : p.unit === 'calendar-days' ? 'calendar day' : 'month';
  return plural(p.amount, unit);
}

export function policyText(p: Policy): string {
  return `acknowledge within ${periodText(p.acknowledge)}, answer within ${periodText(p.answer)}${p.extended_answer ? `, extendable once to ${periodText(p.extended_answer)} with a reason` : ', no extension'}`;
}

const policy: StaffPage = async (main, s) => {
  const slug = s.account.organization;
  const admin = hasRole(s, 'administrator');
  const errors = errorRegion();
  main.append(h('h1', null, 'Deadlines and holidays'), errors);
  titled(main, 'Deadlines and holidays');
  const here = stillHere();
  let org: OrgDetail;
  let holidays: Holiday[];
  try {
    [org, { holidays }] = await Promise.all([
      api<OrgDetail>(`/orgs/${slug}`),
      api<{ holidays: Holiday[] }>(`/orgs/${slug}/holidays`, { as: 'staff' }),
    ]);
  } catch (e) {
    if (here()) showError(errors, e, 'The policy could not be loaded.');
    return;
  }
  if (!here()) return;
  const settings = org.settings;
  const now = h('p', { 'data-testid': 'policy-now' });
  const showNow = (current: OrgSettings) =>
    now.replaceChildren(h('strong', null, 'Now: '), `${current.policy.name} — ${policyText(current.policy)}. Days are counted in the ${current.time_zone ?? 'UTC'} time zone.`);
  showNow(settings);
  main.append(
    h('p', null, 'Cables are answered against these deadlines. Working days skip weekends and the holidays below', settings.use_us_federal_holidays ? ' and US federal holidays' : '', '.'),
    now,
  );
  // Saved: the summary above changes in place, and the form stays with its "Saved." notice.
  if (admin) main.append(policyForm(slug, settings, showNow));
  main.append(holidaysEditor(slug, holidays, admin));
};

function policyForm(slug: string, initial: OrgSettings, saved: (now: OrgSettings) => void): HTMLElement {
  let settings = initial;
  const errors = errorRegion();
  const status = statusRegion();
  const radios = Object.values(PRESETS).map((p) => ({
    p,
    input: h('input', { type: 'radio', name: 'preset', value: p.name, checked: settings.policy.name === p.name }),
  }));
  const minRing = h('input', { type: 'number', min: 2, max: 1000000, step: 1, value: settings.min_ring_size, required: true });
  const federal = h('input', { type: 'checkbox', checked: settings.use_us_federal_holidays });
  // The browser's own list of IANA zones, offered as suggestions; the server checks the name.
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zoneList = h('datalist', { id: 'time-zones' }, ['UTC', ...zones].map((z) => h('option', { value: z })));
  const zone = h('input', { type: 'text', list: 'time-zones', required: true, spellcheck: 'false', autocapitalize: 'none', autocomplete: 'off', maxlength: 64, value: settings.time_zone ?? 'UTC' });
  const custom = !Object.keys(PRESETS).includes(settings.policy.name);
  return h(
    'section',
    { 'aria-labelledby': 'policy-h' },
    h('h2', { id: 'policy-h' }, 'Deadline policy'),
    form(
      { 'aria-label': 'Deadline policy' },
      async () => {
        errors.replaceChildren();
        const chosen = radios.find((r) => r.input.checked);
        // Everything this form does not show (the retention period) is kept as it is.
        const next: OrgSettings = {
          ...settings,
          min_ring_size: Number(minRing.value),
          use_us_federal_holidays: federal.checked,
          policy: chosen ? chosen.p : settings.policy,
        };
        const z = zone.value.trim();
        if (z === 'UTC') delete next.time_zone;
        else next.time_zone = z;
        try {
          await api(`/orgs/${slug}/settings`, { method: 'PUT', body: next, as: 'staff' });
          settings = next;
          replace(status, notice('ok', h('p', null, 'Saved. The change is a public log entry.')));
          saved(next);
        } catch (e) {
          showError(errors, e, 'The policy was not saved.');
        }
      },
      h(
        'fieldset',
        null,
        h('legend', null, 'Deadlines for cables'),
        radios.map(({ p, input }) =>
          choice(input, p.name === 'dissent-channel' ? 'Dissent Channel (US State Department)' : 'EU Whistleblowing Directive', policyText(p)),
        ),
        custom ? h('p', { class: 'hint' }, `Currently a custom policy (${settings.policy.name}): ${policyText(settings.policy)}. Choosing a preset replaces it.`) : null,
      ),
      field({ label: 'Smallest anonymity set', input: minRing, hint: 'Members refuse to sign within fewer members than this. 20 or more is wise.' }),
      choice(federal, 'Count US federal holidays as days off'),
      field({ label: 'Time zone', input: zone, hint: 'The organization’s days are counted in this zone: when a cable arrives, working days, holidays, deadlines and reminders. An IANA name such as Europe/Brussels or America/New_York.' }),
      zoneList,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save the policy')),
      status,
      errors,
    ),
  );
}

function holidaysEditor(slug: string, initial: Holiday[], editable: boolean): HTMLElement {
  const errors = errorRegion();
  const status = statusRegion();
  const rows = h('tbody');
  const addRow = (hd: Holiday) => {
    const date = h('input', { type: 'date', value: hd.date, required: true, 'aria-label': 'Date', disabled: !editable });
    const name = h('input', { type: 'text', value: hd.name, required: true, 'aria-label': 'Name of the holiday', disabled: !editable });
    const tr = h('tr', null, h('td', null, date), h('td', null, name));
    if (editable) tr.append(h('td', null, h('button', { type: 'button', class: 'secondary', onclick: () => tr.remove() }, 'Remove')));
    rows.append(tr);
  };
  initial.forEach(addRow);
  const table = tableWrap(
    'Holidays',
    h('table', null, h('thead', null, h('tr', null, h('th', null, 'Date'), h('th', null, 'Name'), editable ? h('th', null, h('span', { class: 'visually-hidden' }, 'Actions')) : null)), rows),
  );
  const children: Child[] = [
    h('h2', { id: 'holidays-h' }, 'Holidays'),
    h('p', null, 'Days off in your organization’s own calendar. Deadlines in working days skip them.'),
    table,
  ];
  if (editable) {
    children.push(
      form(
        { 'aria-label': 'Holidays' },
        async () => {
          errors.replaceChildren();
          const list: Holiday[] = Array.from(rows.querySelectorAll('tr')).map((tr) => {
            const [date, name] = Array.from(tr.querySelectorAll('input'));
            return { date: date!.value, name: name!.value.trim() };
          });
          try {
            for (const hd of list) {
              if (!hd.date) throw new Error('Every holiday needs a date. Fill it in, or remove the row.');
              if (!hd.name) throw new Error(`The holiday on ${formatDate(Date.parse(hd.date))} needs a name.`);
            }
            await api(`/orgs/${slug}/holidays`, { method: 'PUT', body: { holidays: list }, as: 'staff' });
            replace(status, notice('ok', h('p', null, `Saved ${plural(list.length, 'holiday')}.`)));
          } catch (e) {
            showError(errors, e, 'The holidays were not saved.');
          }
        },
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: () => { addRow({ date: '', name: '' }); rows.querySelector<HTMLInputElement>('tr:last-child input')?.focus(); } }, 'Add a holiday'),
          h('button', { type: 'submit' }, 'Save the holidays'),
        ),
        status,
        errors,
      ),
    );
  }
  return h('section', { 'aria-labelledby': 'holidays-h' }, ...children.filter((c): c is HTMLElement => c instanceof HTMLElement));
}

// ---- Publish a letter ----

const publish: StaffPage = async (main, s) => {
  const errors = errorRegion();
  const result = h('div', { 'aria-live': 'polite' });
  const title = h('input', { type: 'text', required: true, maxlength: 200, name: 'title' });
  const body = h('textarea', { required: true, rows: 10, name: 'body' });
  const quorum = h('input', { type: 'number', min: 1, step: 1, name: 'quorum' });
  const closes = h('input', { type: 'datetime-local', name: 'closes' });
  const confirm = h('input', { type: 'checkbox', required: true });
  const orgBox = h('fieldset', null, h('legend', null, 'Whose members may sign'));
  main.append(
    h('h1', null, 'Publish a letter'),
    h('p', null, 'Publishing freezes the text: its id is the hash of every word, and it cannot be edited afterwards. Each organization’s current roster becomes the set of members who may sign.'),
    errors,
  );
  titled(main, 'Publish a letter');
  let orgs: OrgSummary[] = [];
  try {
    ({ organizations: orgs } = await api<{ organizations: OrgSummary[] }>('/orgs'));
  } catch (e) {
    showError(errors, e);
    return;
  }
  const orgInputs = orgs.map((o) => ({
    o,
    input: h('input', { type: 'checkbox', value: o.slug, checked: o.slug === s.account.organization }),
  }));
  for (const { o, input } of orgInputs) add(orgBox, choice(input, o.name, plural(o.roster_size, 'member')));
  main.append(
    form(
      { 'aria-label': 'Publish a letter' },
      async () => {
        errors.replaceChildren();
        try {
          const organizations = orgInputs.filter((x) => x.input.checked).map((x) => x.o.slug);
          if (!title.value.trim()) throw new Error('The letter needs a title.');
          if (!body.value.trim()) throw new Error('The letter needs a text.');
          // The server's rule for a new letter (ValidateNewLetter): no control characters,
          // except line breaks and tabs in the text.
          if (/[\u0000-\u001f\u007f-\u009f]/.test(title.value)) throw new Error('The title must not contain control characters.');
          if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(body.value)) {
            throw new Error('The text must not contain control characters (line breaks and tabs are fine).');
          }
          if (organizations.length === 0) throw new Error('Choose at least one organization whose members may sign.');
          if (!confirm.checked) throw new Error('Tick the box to confirm that the text is final.');
          const letter: Record<string, unknown> = { title: title.value.trim(), body: body.value, organizations };
          if (quorum.value) letter['quorum'] = Number(quorum.value);
          if (closes.value) {
            const ms = new Date(closes.value).getTime();
            if (!(ms > Date.now())) throw new Error('The closing time must be in the future.');
            letter['closes_at_ms'] = ms;
          }
          const r = await api<{ id: string }>('/letters', { method: 'POST', body: letter, as: 'staff' });
          replace(
            result,
            notice(
              'ok',
              h('p', null, h('strong', null, 'Published. '), 'Letter id ', h('code', { class: 'break', 'data-testid': 'published-id' }, r.id), '.'),
              h('p', null, h('a', { href: `#/letters/${r.id}` }, 'Open its public page'), '. Share that address with members: it holds nothing secret.'),
            ),
          );
        } catch (e) {
          showError(errors, e, 'The letter was not published.');
        }
      },
      field({ label: 'Title', input: title }),
      field({ label: 'Text', input: body, hint: 'Exactly as members will read and sign it.' }),
      orgBox,
      field({ label: 'Quorum (optional)', input: quorum, hint: 'Keep every signature hidden until this many members have signed; then publish them together. This protects early signers.' }),
      field({ label: 'Closes (optional)', input: closes, hint: 'After this moment no more signatures are accepted.' }),
      choice(confirm, 'The text is final: publishing freezes it for good.'),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Publish the letter')),
    ),
    result,
  );
};

// ---- Two-step sign-in ----

const security: StaffPage = (main, s) => {
  const errors = errorRegion();
  const area = h('div');
  // Sign out everywhere: for a laptop left open or a phone lost (security review L2).
  const everywhere = h('button', { type: 'button', class: 'secondary' }, 'Sign out on every device');
  everywhere.addEventListener('click', () => {
    everywhere.disabled = true;
    void api('/sessions', { method: 'DELETE', as: 'staff' }).then(
      () => {
        session = null;
        setCsrfToken(null);
        navigate('/staff');
      },
      (e: unknown) => {
        everywhere.disabled = false;
        showError(errors, e);
      },
    );
  });
  main.append(
    h('h1', null, 'Your sign-in'),
    errors,
    area,
    h('h2', null, 'Other devices'),
    h('p', null, 'Signed in somewhere you no longer use, or lost a device? End every session of your account, here and elsewhere.'),
    h('p', { class: 'actions' }, everywhere),
  );
  if (hasRole(s, 'reviewer')) main.append(myDigest(s.account.organization));
  titled(main, 'Your sign-in');
  // The password is asked again (security review L1): a session left open on someone's desk
  // must not be enough to set a second factor of the intruder's choosing. Replacing one needs
  // the current code too, or a recovery code when the phone is lost.
  const replacing = s.account.totp;
  const pass = h('input', { type: 'password', autocomplete: 'current-password', required: true, name: 'password' });
  const current = h('input', { type: 'text', autocomplete: 'one-time-code', spellcheck: 'false', autocapitalize: 'none', maxlength: 24, required: true, name: 'current-code' });
  const start = h('button', { type: 'submit' }, replacing ? 'Set up a new phone' : 'Turn on two-step sign-in');
  const startForm = form(
    { 'aria-label': replacing ? 'Set up two-step sign-in on a new phone' : 'Turn on two-step sign-in' },
    () => begin(),
    field({ label: 'Your password, once more', input: pass }),
    replacing ? field({ label: 'A code from your current phone, or one of your recovery codes', input: current }) : null,
    h('div', { class: 'actions' }, start),
  );
  if (replacing) {
    area.append(
      notice('ok', h('p', null, 'Two-step sign-in is on: signing in needs your password and a code from your authenticator app (or one of your recovery codes).')),
      h('h2', null, 'A new phone'),
      startForm,
    );
  } else {
    area.append(
      h('p', null, 'With two-step sign-in, a stolen password is not enough: signing in also needs a six-digit code from an authenticator app on your phone.'),
      startForm,
    );
  }
  const begin = (): void => {
    start.disabled = true;
    const password = pass.value;
    pass.value = '';
    const body: Record<string, string> = { password };
    if (replacing) body['code'] = current.value.trim();
    current.value = '';
    void api<{ secret: string; otpauth_uri: string }>('/session/totp', { method: 'POST', body, as: 'staff' }).then(
      (t) => {
        const code = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: 8 });
        const cerr = errorRegion();
        replace(
          area,
          h('p', null, 'In your authenticator app, add an account by typing this key:'),
          h('p', { class: 'secret-box' }, t.secret.replace(/(.{4})/g, '$1 ').trim()),
          h('details', null, h('summary', null, 'Or use this setup address'), h('p', null, h('code', { class: 'break' }, t.otpauth_uri))),
          form(
            { 'aria-label': 'Confirm two-step sign-in' },
            async () => {
              cerr.replaceChildren();
              try {
                const done = await api<{ recovery_codes: string[] }>('/session/totp/confirm', { method: 'POST', body: { code: code.value.trim() }, as: 'staff' });
                replace(
                  area,
                  notice('ok', h('p', { tabindex: '-1', 'data-testid': 'totp-on' }, 'Two-step sign-in is on.')),
                  h('h2', null, 'Your recovery codes'),
                  notice(
                    'warn',
                    h('p', null, h('strong', null, 'Write these codes down now and keep them away from your phone. '), 'Each works once in place of a code from the app: to sign in, or to set up a new phone. They are shown only this once; setting up a new phone gives you new ones.'),
                  ),
                  h('ol', { class: 'receipt-words', 'data-testid': 'recovery-codes', 'aria-label': 'Your recovery codes' }, done.recovery_codes.map((c) => h('li', null, c))),
                );
                focusResult(area.querySelector('[data-testid="totp-on"]'));
              } catch (e) {
                showError(cerr, e, 'That code was not accepted. Check the time on your phone and try the newest code.');
              }
            },
            field({ label: 'The six-digit code the app shows now', input: code }),
            h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Confirm')),
            cerr,
          ),
        );
      },
      (e: unknown) => {
        start.disabled = false;
        showError(errors, e);
      },
    );
  };
};

export function staffRoutes(): void {
  route('/staff', '/staff', staffPage('/staff', overview));
  route('/staff/invitations', '/staff', staffPage('/staff/invitations', invitations));
  route('/staff/roster', '/staff', staffPage('/staff/roster', roster));
  route('/staff/people', '/staff', staffPage('/staff/people', people));
  route('/staff/policy', '/staff', staffPage('/staff/policy', policy));
  route('/staff/statistics', '/staff', staffPage('/staff/statistics', statisticsPage));
  route('/staff/letters', '/staff', staffPage('/staff/letters', publish));
  route('/staff/security', '/staff', staffPage('/staff/security', security));
}
