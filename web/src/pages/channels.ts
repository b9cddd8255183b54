// The administrator's channels editor (issue 15): topics of cables, each with its own reviewers.
// An author who picks a channel seals the cable to that channel's reviewers only. Channels are
// part of the organization's settings (PUT …/settings), so every change is an
// "organization-settings" log entry that anyone can audit; the form keeps every other setting
// as it is.
import { api, type AccountRow, type OrgDetail, type OrgSettings } from '../api.js';
import { validateChannelId } from '../crypto/policy.js';
import { choice, errorRegion, field, focusResult, form, h, notice, replace, statusRegion } from '../ui/dom.js';
import { showError } from '../ui/errors.js';

type Channel = NonNullable<OrgSettings['channels']>[number];

// `reviewers`: the organization's enabled reviewer accounts, whom a channel can name.
export function channelsEditor(slug: string, reviewers: readonly AccountRow[]): HTMLElement {
  const errors = errorRegion();
  const status = statusRegion();
  const list = h('div', { 'data-testid': 'channels' });
  const section = h(
    'section',
    { 'aria-labelledby': 'channels-h' },
    h('h2', { id: 'channels-h' }, 'Channels'),
    h(
      'p',
      null,
      'A channel is a subject with its own reviewers, for example the conduct of senior staff. An author who picks it seals the cable to those reviewers only; authors can also keep a cable from a named reviewer. Every change here is recorded in the public log.',
    ),
    list,
    status,
    errors,
  );
  const nameOf = (id: number) => reviewers.find((a) => a.id === id)?.username ?? `account ${id} (not an active reviewer)`;

  // Replaces the channels, keeping every other setting as the server has it now.
  const save = async (change: (channels: Channel[]) => Channel[], done: string) => {
    errors.replaceChildren();
    const org = await api<OrgDetail>(`/orgs/${slug}`);
    const channels = change([...(org.settings.channels ?? [])]);
    const next: OrgSettings = { ...org.settings, channels };
    if (channels.length === 0) delete next.channels;
    await api(`/orgs/${slug}/settings`, { method: 'PUT', body: next, as: 'staff' });
    await draw();
    replace(status, notice('ok', h('p', null, done)));
  };

  const addForm = () => {
    const id = h('input', { type: 'text', required: true, name: 'channel-id', maxlength: 32, autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off', pattern: '[a-z0-9]([a-z0-9-]*[a-z0-9])?' });
    const name = h('input', { type: 'text', required: true, name: 'channel-name', maxlength: 100, autocomplete: 'off' });
    const boxes = reviewers.map((a) => ({ a, input: h('input', { type: 'checkbox', name: 'channel-reviewer', value: String(a.id) }) }));
    return form(
      { 'aria-label': 'Add a channel' },
      async () => {
        try {
          validateChannelId(id.value.trim());
          if (!name.value.trim()) throw new Error('The channel needs a name that authors will see.');
          const chosen = boxes.filter((b) => b.input.checked).map((b) => b.a.id);
          if (chosen.length === 0) throw new Error('Tick at least one reviewer for the channel.');
          const channel: Channel = { id: id.value.trim(), name: name.value.trim(), reviewers: chosen.sort((x, y) => x - y) };
          await save((cs) => {
            if (cs.some((c) => c.id === channel.id)) throw new Error(`There is a channel '${channel.id}' already. Remove it first, or choose another id.`);
            return [...cs, channel];
          }, `Added the channel “${channel.name}”.`);
          focusResult(status);
        } catch (e) {
          showError(errors, e, 'The channel was not added.');
        }
      },
      h('h3', null, 'Add a channel'),
      field({ label: 'Name, as authors see it', input: name }),
      field({ label: 'Short id', input: id, hint: 'Lowercase letters, digits and -, for example “conduct”. It is part of each cable written in the channel.' }),
      h(
        'fieldset',
        null,
        h('legend', null, 'Its reviewers'),
        boxes.length === 0 ? h('p', null, 'There is no active reviewer yet.') : boxes.map((b) => choice(b.input, b.a.username)),
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'add-channel' }, 'Add the channel')),
    );
  };

  const draw = async () => {
    let org: OrgDetail;
    try {
      org = await api<OrgDetail>(`/orgs/${slug}`);
    } catch (e) {
      showError(errors, e, 'The channels could not be loaded.');
      return;
    }
    const channels = org.settings.channels ?? [];
    replace(
      list,
      channels.length === 0
        ? h('p', null, 'No channels: every cable goes to all reviewers, less any the author excludes.')
        : h(
            'ul',
            { class: 'cards' },
            channels.map((c) =>
              h(
                'li',
                { 'data-channel': c.id },
                h('strong', null, c.name),
                ` (${c.id}) — `,
                c.reviewers.map(nameOf).join(', '),
                ' ',
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    onclick: () =>
                      void save((cs) => cs.filter((k) => k.id !== c.id), `Removed the channel “${c.name}”. Cables already written in it keep their readers.`).catch((e: unknown) =>
                        showError(errors, e, 'The channel was not removed.'),
                      ),
                  },
                  `Remove ${c.name}`,
                ),
              ),
            ),
          ),
      addForm(),
    );
  };
  void draw();
  return section;
}
