// Notifications that leave Candor (issue 15, item 5). Administrators choose whether reviewers
// get a daily digest by e-mail, at which of the organization's hours, and whether a signed
// webhook gets the public counts; they see every delivery, its tries and its last error.
// Each reviewer gives their own address, and an OpenPGP key for an encrypted digest.
//
// What a digest may say is decided by the server (docs/PROTOCOL.md, "Notifications"): never a
// cable's content, subject or author; in the clear only whether something waits; encrypted, the
// cables' ids and deadlines. It goes every day, the same size, whether or not anything waits.
import { api } from '../api.js';
import { choice, errorRegion, field, focusResult, form, h, notice, replace, statusRegion, tableWrap } from '../ui/dom.js';
import { showError } from '../ui/errors.js';

export interface NotifySettings {
  enabled: boolean;
  digest_hour: number;
  webhook_url: string | null;
  webhook_secret_set: boolean;
  mail_server: boolean;
}

export interface Delivery {
  id: number;
  recipient: string;
  channel: 'email' | 'webhook';
  day: string;
  state: 'pending' | 'sent' | 'failed' | 'superseded';
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
}

const STATE_TEXT: Record<Delivery['state'], string> = {
  pending: 'Will be tried again',
  sent: 'Sent',
  failed: 'Given up',
  superseded: 'Dropped (the next day’s replaced it)',
};

const hourText = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

// The administrators' section (on the Staff and reviewers page).
export function notificationSettings(slug: string): HTMLElement {
  const errors = errorRegion();
  const status = statusRegion();
  const body = h('div');
  const section = h(
    'section',
    { 'aria-labelledby': 'notify-h' },
    h('h2', { id: 'notify-h' }, 'Daily digests and webhook'),
    h(
      'p',
      null,
      'Reviewers who give an e-mail address get one short digest a day, at the hour you choose, whether or not anything waits, and always the same size: the mail says nothing about when a cable arrived. It never carries what a cable says, its subject or who wrote it. A webhook gets the organization’s public counts, signed.',
    ),
    status,
    errors,
    body,
  );

  const draw = async () => {
    let settings: NotifySettings;
    let deliveries: Delivery[];
    try {
      [settings, { deliveries }] = await Promise.all([
        api<NotifySettings>(`/orgs/${slug}/notify/settings`, { as: 'staff' }),
        api<{ deliveries: Delivery[] }>(`/orgs/${slug}/notify/deliveries`, { as: 'staff' }),
      ]);
    } catch (e) {
      showError(errors, e, 'The notification settings could not be loaded.');
      return;
    }
    const enabled = h('input', { type: 'checkbox', name: 'notify-enabled', checked: settings.enabled });
    const hour = h(
      'select',
      { name: 'notify-hour' },
      Array.from({ length: 24 }, (_, i) => h('option', { value: String(i), selected: i === settings.digest_hour }, hourText(i))),
    );
    const webhook = h('input', { type: 'url', name: 'notify-webhook', value: settings.webhook_url ?? '', autocomplete: 'off', spellcheck: 'false', maxlength: 2000 });
    const newSecret = h('input', { type: 'checkbox', name: 'notify-new-secret' });
    replace(
      body,
      settings.mail_server ? null : notice('warn', h('p', { 'data-testid': 'no-mail-server' }, 'This server has no mail server to send through, so e-mail digests will fail. Ask its operator to start it with --smtp-url.')),
      form(
        { 'aria-label': 'Daily digests and webhook' },
        async () => {
          errors.replaceChildren();
          try {
            const url = webhook.value.trim();
            const reply = await api<{ webhook_secret?: string }>(`/orgs/${slug}/notify/settings`, {
              method: 'PUT',
              as: 'staff',
              body: {
                enabled: enabled.checked,
                digest_hour: Number(hour.value),
                ...(url ? { webhook_url: url } : {}),
                ...(newSecret.checked ? { new_webhook_secret: true } : {}),
              },
            });
            await draw();
            replace(
              status,
              notice(
                'ok',
                h('p', null, 'Saved.'),
                reply.webhook_secret
                  ? h(
                      'p',
                      null,
                      'The webhook’s signing secret, shown this once — copy it to the receiver, which checks the Candor-Signature header with it: ',
                      h('code', { 'data-testid': 'webhook-secret', class: 'break' }, reply.webhook_secret),
                    )
                  : null,
              ),
            );
            focusResult(status);
          } catch (e) {
            showError(errors, e, 'The settings were not saved.');
          }
        },
        choice(enabled, 'Send daily digests to reviewers who gave an address'),
        field({ label: 'Hour the digests go out (the organization’s time)', input: hour }),
        field({
          label: 'Webhook address (optional)',
          input: webhook,
          hint: 'https://…; it receives the day’s open and overdue counts once a day, signed with a secret only it and Candor know. Leave empty for none.',
        }),
        settings.webhook_secret_set ? choice(newSecret, 'Make a new signing secret') : null,
        h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'save-notify' }, 'Save')),
      ),
      h('h3', null, 'Deliveries'),
      deliveries.length === 0
        ? h('p', { 'data-testid': 'no-deliveries' }, 'Nothing has been sent yet.')
        : tableWrap(
            'Deliveries',
            h(
              'table',
              { 'data-testid': 'deliveries' },
              h('caption', null, 'The newest first'),
              h(
                'thead',
                null,
                h('tr', null, ['Day', 'To', 'By', 'State', 'Tries', 'Last error'].map((c) => h('th', { scope: 'col' }, c))),
              ),
              h(
                'tbody',
                null,
                deliveries.map((d) =>
                  h(
                    'tr',
                    { 'data-state': d.state },
                    h('td', { class: 'nowrap' }, d.day),
                    h('td', null, d.recipient === 'webhook' ? 'the webhook' : d.recipient),
                    h('td', null, d.channel === 'email' ? 'e-mail' : 'webhook'),
                    h('td', null, STATE_TEXT[d.state]),
                    h('td', { class: 'num' }, String(d.attempts)),
                    h('td', null, d.last_error ?? '—'),
                  ),
                ),
              ),
            ),
          ),
    );
  };
  void draw();
  return section;
}

// A reviewer's own address (on the Your sign-in page).
export function myDigest(slug: string): HTMLElement {
  const errors = errorRegion();
  const status = statusRegion();
  const body = h('div');
  const section = h(
    'section',
    { 'aria-labelledby': 'digest-h' },
    h('h2', { id: 'digest-h' }, 'Your daily digest'),
    h(
      'p',
      null,
      'If your organization sends digests, one short e-mail a day tells you whether cables wait for you. In the clear it says nothing more; with your OpenPGP public key it is encrypted and lists each cable’s id and deadline. It never says what a cable says or who wrote it.',
    ),
    status,
    errors,
    body,
  );
  const draw = async () => {
    let address: { email: string; openpgp_fingerprint: string | null } | null;
    try {
      ({ address } = await api<{ address: typeof address }>(`/orgs/${slug}/notify/me`, { as: 'staff' }));
    } catch (e) {
      showError(errors, e, 'Your digest settings could not be loaded.');
      return;
    }
    const email = h('input', { type: 'email', name: 'digest-email', value: address?.email ?? '', autocomplete: 'email', spellcheck: 'false' });
    const key = h('textarea', { name: 'digest-key', rows: 4, spellcheck: 'false' });
    const stop = h('button', { type: 'button', class: 'secondary', 'data-testid': 'stop-digest' }, 'Stop my digest');
    stop.addEventListener('click', () => {
      errors.replaceChildren();
      void api(`/orgs/${slug}/notify/me`, { method: 'DELETE', as: 'staff' }).then(
        async () => {
          await draw();
          replace(status, notice('ok', h('p', null, 'No more digests will be sent to you.')));
          focusResult(status);
        },
        (e: unknown) => showError(errors, e, 'Your digest was not stopped.'),
      );
    });
    replace(
      body,
      h(
        'p',
        { 'data-testid': 'digest-now' },
        address === null
          ? 'No digest is sent to you.'
          : address.openpgp_fingerprint
            ? [`Your digest goes to ${address.email}, encrypted to the OpenPGP key `, h('code', { class: 'break' }, address.openpgp_fingerprint), '.']
            : `Your digest goes to ${address.email}, in the clear.`,
      ),
      form(
        { 'aria-label': 'Your daily digest' },
        async () => {
          errors.replaceChildren();
          try {
            const armored = key.value.trim();
            await api(`/orgs/${slug}/notify/me`, {
              method: 'PUT',
              as: 'staff',
              body: { email: email.value.trim(), ...(armored ? { openpgp_key: `${armored}\n` } : {}) },
            });
            await draw();
            replace(status, notice('ok', h('p', null, 'Saved.')));
            focusResult(status);
          } catch (e) {
            showError(errors, e, 'Your address was not saved.');
          }
        },
        field({ label: 'E-mail address', input: email }),
        field({
          label: 'OpenPGP public key (optional)',
          input: key,
          hint: 'Paste the block that begins “-----BEGIN PGP PUBLIC KEY BLOCK-----”. Your public key only: never the secret one.',
        }),
        h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'save-digest' }, 'Save'), address ? stop : null),
      ),
    );
  };
  void draw();
  return section;
}
