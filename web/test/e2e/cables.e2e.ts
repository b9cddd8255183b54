// Dissent cables end to end, in Chromium against a real `candor serve --demo`: members write an
// anonymous cable (with an attachment) and a named one in the browser and keep their receipts;
// a reviewer imports the demo reviewer key file, reads both (decrypted in the page), sees the
// named author verified, acknowledges, replies, notes, extends and closes; the authors read the
// replies with their receipts alone, and the command line reads what the browser wrote.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { parseReceipt } from '../../src/cable.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  apiGet,
  candorBinary,
  checkPrivacy,
  checkUrls,
  DEMO_ADMIN,
  DEMO_KEY_PASSPHRASE,
  DEMO_ORG,
  demoKeyFile,
  eventually,
  expectAccessible,
  focused,
  importKey,
  launchBrowser,
  newDevice,
  screenshot,
  screenshotsIfFailed,
  staffSignIn,
  unlockIfAsked,
  startServer,
  tabTo,
  visit,
  type Device,
  type Server,
  readReceipt,
  type ShownReceipt,
} from './harness.js';

const run = promisify(execFile);

let server: Server;
let browser: Browser;
const devices: Device[] = [];
const secrets: string[] = [];
let reviewer: Device;
let anon: ShownReceipt;
let named: ShownReceipt;

const ANON_BODY = 'The safety inspections at the north plant were skipped in March and the logs were back-dated.';
const NAMED_BODY = 'I raised the budget irregularities with my director on 3 May and was told to drop it.';
const REPLY = 'Thank you. We have opened a review and will write again within 30 working days.';
const EXTENSION = 'We need the auditors’ report, due next month.';
const FOLLOW_UP = 'One more thing: the inspection logs for April were back-dated too.';
const CLOSING = 'The review is complete: the budget will be restated and the director has been referred.';

async function device(viewport?: { width: number; height: number }): Promise<Device> {
  const d = await newDevice(browser, server, viewport);
  devices.push(d);
  return d;
}



let checkAccessibility = false;

async function writeCable(page: Page, subject: string, body: string, name?: string, keep = true, channel?: string): Promise<ShownReceipt> {
  await visit(page, '/#/member/cables/new');
  const unlock = page.getByRole('button', { name: 'Unlock' });
  await page.getByLabel('Subject').or(unlock).first().waitFor();
  if (await unlock.isVisible()) {
    await page.getByLabel(/^Passphrase of your/).fill(DEMO_KEY_PASSPHRASE);
    await unlock.click();
    // Issue 17: unlocking lands the focus on the form it opened.
    await expect.poll(() => focused(page)).toBe('field:subject');
  }
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('What you want the reviewers to know').fill(body);
  if (channel !== undefined) {
    await page.getByTestId('cable-channel').getByLabel(channel).check();
    await expect.poll(() => page.getByTestId('cable-to').textContent()).toContain(`of “${channel}”`);
  }
  // Issue 17: the quota is said before writing, and the safety guide is a click away.
  expect(await page.getByTestId('cable-quota').textContent()).toContain('up to 3 messages in each period');
  expect(await page.getByTestId('safety-reminder').textContent()).toContain('Before you send: are you on your own device and network?');
  // Issue 15: the demo organization has one reviewer, and the author is told what that means.
  expect(await page.getByTestId('single-reviewer').textContent()).toContain('If they lose their key, nobody can read your message');
  if (name !== undefined) {
    await page.getByLabel('With my name').check();
    await page.getByLabel('Your name, as the reviewers should see it').fill(name);
  } else {
    // Issue 17: on the anonymous path the name field is not on the screen at all (the style
    // sheet once overrode the hidden attribute, leaving a name field nothing would send).
    expect(await page.getByLabel('Your name, as the reviewers should see it').isVisible()).toBe(false);
    await page.getByLabel('Attachments (optional)').setInputFiles({
      name: 'inspection-log.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('2026-03-02 inspection: not done\n'),
    });
  }
  if (checkAccessibility) await expectAccessible(page, 'the cable form, filled in');
  await page.getByTestId('send-cable').click();
  await page.getByTestId('cable-sent').waitFor({ timeout: 60_000 });
  if (checkAccessibility) await expectAccessible(page, 'the receipt');
  checkAccessibility = false;
  // Issue 17: the receipt is twelve words a person can write down, numbered in order, and
  // nothing offers to put it in a file in Downloads.
  const receipt = await readReceipt(page);
  secrets.push(...receipt.secrets);
  expect(await page.getByTestId('receipt').locator('li').count()).toBe(12);
  expect(await page.getByTestId('receipt').locator('li').first().evaluate((li) => getComputedStyle(li, '::before').content)).toBe('counter(word) "."');
  expect(await page.getByRole('button', { name: /Save it as a file/ }).count()).toBe(0);
  // The finished form is gone, so nothing invites sending the same cable twice.
  expect(await page.getByTestId('send-cable').isVisible()).toBe(false);
  if (keep) await page.getByLabel('I have written down my 12 words, or saved them somewhere safe.').check();
  return receipt;
}

async function openAsReviewer(id: string): Promise<Page> {
  const page = reviewer.page;
  await visit(page, `/#/staff/cables/${id}`);
  await page.getByTestId('cable-subject').waitFor({ timeout: 60_000 });
  return page;
}

async function send(page: Page, action: string, label: string, text: string): Promise<void> {
  const f = page.getByTestId(`form-${action}`);
  await f.getByLabel(label).fill(text);
  await f.getByRole('button').click();
  await page.getByTestId(`message-${action}`).filter({ hasText: text }).waitFor();
}

beforeAll(async () => {
  // The notifier runs every second, so that the digests' deliveries show up while the test looks.
  server = await startServer(['--notify-interval', '1']);
  browser = await launchBrowser();
  reviewer = await device();
});

afterEach(async (ctx) => {
  await screenshotsIfFailed(ctx.task, devices);
  await checkUrls(devices, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('dissent cables in the browser', () => {
  test('a member writes an anonymous cable with an attachment and keeps the receipt', async () => {
    checkAccessibility = true; // the form and the receipt, once
    const d = await device();
    await importKey(d.page, demoKeyFile(server, 4));
    await visit(d.page, '/#/member/cables/new');
    await d.page.getByLabel(/^Passphrase of your/).waitFor();
    await screenshot(d.page, 'member-cable-unlock');
    anon = await writeCable(d.page, 'Skipped safety inspections', ANON_BODY);
    await d.page.getByText('It is anonymous: it proves only that one of 25 members').waitFor();
    await d.page.getByText('These 12 words are the only way to read the reviewers’ replies').waitFor();
    await screenshot(d.page, 'member-cable-receipt');
  });

  test('a member writes a named cable', async () => {
    const d = await device({ width: 390, height: 844 });
    await importKey(d.page, demoKeyFile(server, 5));
    named = await writeCable(d.page, 'Budget irregularities', NAMED_BODY, 'Jordan Lee');
    await d.page.getByText('It carries your name').waitFor();
    await screenshot(d.page, 'member-cable-named-phone');
  });

  test('the reviewer brings the reviewer key into the browser and sees the inbox with deadlines', async () => {
    const page = reviewer.page;
    await staffSignIn(page);
    await visit(page, '/#/staff/inbox');
    await page.getByLabel('Reviewer key file', { exact: true }).setInputFiles(join(server.dataDir, 'demo-reviewer.key'));
    await page.getByRole('button', { name: 'Import the key file' }).click();
    await page.getByLabel(/^Passphrase of your/).fill(DEMO_KEY_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByTestId('reviewer-key-ready').waitFor({ timeout: 60_000 });
    await eventually('both cables in the inbox', async () => {
      await visit(page, '/#/staff/inbox');
      await page.getByTestId('inbox-counts').waitFor();
      return (await page.locator('[data-cable]').count()) === 2 ? true : undefined;
    });
    await expect.poll(() => page.getByTestId('inbox').textContent()).toContain('2 working days left');
    await expect.poll(() => page.getByTestId('inbox').textContent()).toContain('Anonymous member');
    await expect.poll(() => page.getByTestId('inbox').textContent()).toContain('Named member');
    await screenshot(page, 'reviewer-inbox');
  });

  test('the reviewer reads the anonymous cable, acknowledges it, replies and notes', async () => {
    const page = await openAsReviewer(anon.id);
    await expect.poll(() => page.getByTestId('cable-subject').textContent()).toBe('Skipped safety inspections');
    await expect.poll(() => page.getByTestId('cable-body').textContent()).toBe(ANON_BODY);
    await expect.poll(() => page.getByTestId('cable-author').textContent()).toContain('anonymous member');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save inspection-log.txt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('inspection-log.txt');
    await page.getByTestId('acknowledge').click();
    await page.getByTestId('form-replied').waitFor();
    await expect.poll(() => page.getByTestId('ack-deadline').textContent()).toContain('Done');
    await send(page, 'replied', 'Your reply', REPLY);
    await send(page, 'noted', 'Note to the other reviewers', 'Check with facilities before the audit.');
    await screenshot(page, 'reviewer-cable');
  });

  test('the reviewer sees the named author verified, extends with a reason and closes', async () => {
    const page = await openAsReviewer(named.id);
    await expect.poll(() => page.getByTestId('cable-author').textContent()).toContain('Jordan Lee');
    await expect.poll(() => page.getByTestId('cable-author').textContent()).toContain('verified');
    await expect.poll(() => page.getByTestId('cable-body').textContent()).toBe(NAMED_BODY);
    await page.getByTestId('acknowledge').click();
    await send(page, 'extended', 'Reason for the extension', EXTENSION);
    await expect.poll(() => page.getByTestId('answer-deadline').textContent()).toContain('left');
    await page.getByText('Answer by (extended)').waitFor();
    await expect(page.getByTestId('form-extended').count()).resolves.toBe(0);
    await send(page, 'closed', 'Final response', CLOSING);
    await page.getByText('This cable is closed').waitFor();
    await screenshot(page, 'reviewer-cable-closed');
  });

  test('the authors read the replies with nothing but their receipts', async () => {
    const a = await device();
    await visit(a.page, '/#/member/cables/read');
    await a.page.getByLabel('Your receipt', { exact: true }).fill('candor-receipt-v1-not-a-receipt');
    await a.page.getByRole('button', { name: 'Read replies' }).click();
    await a.page.getByText('This is not a Candor receipt').waitFor();
    // Issue 17: a word written down wrong is named, with the word it probably was.
    const words = anon.words.split(' ');
    const slip = [...words];
    slip[4] = `${words[4]!.slice(0, -1)}q`; // no list word ends in q
    await a.page.getByLabel('Your receipt', { exact: true }).fill(slip.join(' '));
    await a.page.getByRole('button', { name: 'Read replies' }).click();
    await a.page.getByText(`Word 5, '${slip[4]}', is not one of the receipt words`).waitFor();
    // Five letters or more keep the first four, which name the word in this list.
    if (words[4]!.length > 4) await a.page.getByText(`did you mean '${words[4]}'?`).waitFor();
    // Two words swapped: the checksum says the words do not belong together.
    const swapped = words.findIndex((w, i) => i > 0 && w !== words[0]);
    const mixed = [...words];
    [mixed[0], mixed[swapped]] = [mixed[swapped]!, mixed[0]!];
    const mixedParsed = (() => { try { return parseReceipt(mixed.join(' ')); } catch { return null; } })();
    if (mixedParsed === null) {
      await a.page.getByLabel('Your receipt', { exact: true }).fill(mixed.join(' '));
      await a.page.getByRole('button', { name: 'Read replies' }).click();
      await a.page.getByText('These 12 words do not belong together').waitFor();
    }
    // As a person types them back from paper: capitals, numbers, line breaks.
    const typed = words.map((w, i) => `${i + 1}. ${i % 3 === 0 ? w.toUpperCase() : w}${i % 4 === 3 ? '\n' : ' '}`).join('');
    await a.page.getByLabel('Your receipt', { exact: true }).fill(`  ${typed}\n`);
    await a.page.getByRole('button', { name: 'Read replies' }).click();
    await expect.poll(() => a.page.getByTestId('message-replied').textContent()).toBe(REPLY);
    expect(await focused(a.page)).toBe('Your message'); // the result, not the page body (issue 17)
    await expectAccessible(a.page, 'replies read with the receipt');
    await expect.poll(() => a.page.getByTestId('cable-state').textContent()).toContain('acknowledged');
    expect(await a.page.getByText('Check with facilities').count()).toBe(0); // notes stay with the reviewers
    // The browser proves the cable's events against the public log, as `candor cable status` does.
    await expect.poll(() => a.page.getByTestId('log-checked').textContent(), { timeout: 30_000 }).toMatch(
      /Checked in this browser: [1-9][0-9]* steps? of your message \(its sending, and each acknowledgement and reply\) (is|are) in the public record/,
    );
    await screenshot(a.page, 'member-cable-replies');
    // Issue 15: the author writes back with the receipt alone; the page says it changes no
    // deadline, shows it at once in the conversation, and the reviewers read it after the batch.
    const deadlines = await a.page.getByTestId('deadlines').textContent();
    await a.page.getByLabel('What you want to add').fill(FOLLOW_UP);
    await a.page.getByLabel('Attachments (optional)').setInputFiles({ name: 'april-log.txt', mimeType: 'text/plain', buffer: Buffer.from('2026-04-02 inspection: not done\n') });
    await a.page.getByTestId('send-follow-up').click();
    await a.page.getByTestId('follow-up-sent').waitFor({ timeout: 60_000 });
    expect(await focused(a.page)).toContain('Your addition was sent.');
    expect(await a.page.getByTestId('deadlines').textContent()).toBe(deadlines);
    await expect.poll(() => a.page.getByTestId('message-followed-up').textContent()).toBe(FOLLOW_UP);
    await expectAccessible(a.page, 'a follow-up sent');
    await screenshot(a.page, 'member-cable-follow-up');
    const rev = await openAsReviewer(anon.id);
    await eventually('the follow-up in the reviewer’s view', async () => {
      await visit(rev, `/#/staff/cables/${anon.id}`);
      await rev.getByTestId('cable-subject').waitFor({ timeout: 60_000 });
      return (await rev.getByTestId('message-followed-up').count()) > 0 ? true : undefined;
    });
    expect(await rev.getByTestId('message-followed-up').textContent()).toBe(FOLLOW_UP);
    const [saved] = await Promise.all([rev.waitForEvent('download'), rev.getByRole('button', { name: 'Save april-log.txt' }).click()]);
    expect(saved.suggestedFilename()).toBe('april-log.txt');
    await screenshot(rev, 'reviewer-cable-follow-up');
    // The cable id and the indices of its log entries travelled in POST bodies (H2).
    const posts = a.requests.filter((r) => r.method === 'POST').map((r) => new URL(r.url).pathname);
    expect(posts).toContain('/api/v1/cables/status');
    expect(posts).toContain('/api/v1/log/included');

    const b = await device({ width: 390, height: 844 });
    await visit(b.page, '/#/member/cables/read');
    // The long form of a receipt (before receipts were words) still works.
    await b.page.getByLabel('Your receipt', { exact: true }).fill(named.long);
    await b.page.getByRole('button', { name: 'Read replies' }).click();
    await expect.poll(() => b.page.getByTestId('message-closed').textContent()).toBe(CLOSING);
    await expect.poll(() => b.page.getByTestId('message-extended').textContent()).toBe(EXTENSION);
    await expect.poll(() => b.page.getByTestId('cable-state').textContent()).toContain('Closed');
    expect(await b.page.getByTestId('send-follow-up').count()).toBe(0); // nothing to add once closed
    await screenshot(b.page, 'member-cable-closed-phone');
  });

  test('an administrator sees the compliance statistics as figures, a chart and a table, and downloads them', async () => {
    // Issue 15, item 6. The demo administrator is signed in on the reviewer's page.
    const page = reviewer.page;
    await visit(page, '/#/staff/statistics');
    await page.getByTestId('stat-received').waitFor();
    const received = Number(await page.getByTestId('stat-received').textContent());
    expect(received).toBeGreaterThanOrEqual(2); // the anonymous and the named cable, at least
    await expect.poll(() => page.getByTestId('stat-ack-on-time').textContent()).toMatch(new RegExp(`^[0-9]+ of ${received} \\(`));
    expect(Number(await page.getByTestId('stat-extended').textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('stat-answer-on-time').textContent()).toMatch(/^[1-9][0-9]* of /);
    expect(await page.locator('figure.chart svg rect.bar').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'the statistics page');
    await screenshot(page, 'staff-statistics');
    // A narrower period, chosen from the keyboard: the focus lands on the new result.
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('From (the first day)').fill(today);
    await page.getByLabel('To (the last day)').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe(`Cables received from ${today} to ${today}`);
    expect(await page.getByTestId('stat-months').locator('tbody tr').count()).toBe(2); // this month, and "All"
    // The CSV holds the same numbers as the page.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stat-csv').click()]);
    expect(csv.suggestedFilename()).toBe(`candor-${DEMO_ORG}-statistics-${today}-to-${today}.csv`);
    const lines = readFileSync((await csv.path())!, 'utf8').split('\r\n');
    expect(lines[0]).toBe('period,received,acknowledged,acknowledged_on_time,answered,answered_on_time,extended,open,overdue,median_days_to_acknowledge,median_days_to_answer');
    const total = lines.find((l) => l.startsWith('total,'))!.split(',');
    expect(total[1]).toBe(await page.getByTestId('stat-received').textContent());
  });

  test('an administrator turns on daily digests, a reviewer gives an address, and failed deliveries are shown', async () => {
    // Issue 15, item 5. The demo server has no mail server: each digest fails, visibly.
    const page = reviewer.page;
    await visit(page, '/#/staff/security');
    await page.getByLabel('E-mail address').fill('not an address');
    await page.getByTestId('save-digest').click();
    await expect.poll(() => page.locator('.errors').last().textContent()).toContain('e-mail address');
    await page.getByLabel('OpenPGP public key (optional)').fill('-----BEGIN PGP PRIVATE KEY BLOCK-----\nxx\n-----END PGP PRIVATE KEY BLOCK-----');
    await page.getByLabel('E-mail address').fill('admin@example.org');
    await page.getByTestId('save-digest').click();
    await expect.poll(() => page.locator('.errors').last().textContent()).toContain('OpenPGP');
    await page.getByLabel('OpenPGP public key (optional)').fill('');
    await page.getByTestId('save-digest').click();
    await expect.poll(() => page.getByTestId('digest-now').textContent()).toBe('Your digest goes to admin@example.org, in the clear.');
    await expectAccessible(page, 'the reviewer’s digest settings');
    await screenshot(page, 'reviewer-digest');

    await visit(page, '/#/staff/people');
    await page.getByTestId('no-mail-server').waitFor();
    await page.getByLabel('Send daily digests to reviewers who gave an address').check();
    await page.getByLabel('Hour the digests go out (the organization’s time)').selectOption('0');
    await page.getByLabel('Webhook address (optional)').fill('http://example.org/hook');
    await page.getByTestId('save-notify').click();
    await expect.poll(() => page.locator('section[aria-labelledby="notify-h"] .errors').textContent()).toContain('https://');
    await page.getByLabel('Webhook address (optional)').fill('https://127.0.0.1:9/candor');
    await page.getByTestId('save-notify').click();
    await expect.poll(() => page.getByTestId('webhook-secret').textContent()).toMatch(/^[0-9a-f]{64}$/);
    // The notifier (every second here) tries both and gives up on the mail: no mail server.
    await eventually('the deliveries', async () => {
      await visit(page, '/#/staff/people');
      const rows = page.getByTestId('deliveries').locator('tbody tr');
      await page.getByTestId('deliveries').or(page.getByTestId('no-deliveries')).first().waitFor();
      return (await rows.count()) >= 2 ? true : undefined;
    });
    const table = page.getByTestId('deliveries');
    await expect.poll(() => table.locator('tr[data-state="failed"]').first().textContent()).toContain('no mail server');
    expect(await table.textContent()).toContain('the webhook');
    await expectAccessible(page, 'the notification settings and deliveries');
    await screenshot(page, 'staff-notifications');
  });

  test('the command line reads what the browser wrote, and the other way round', async () => {
    const status = await run(candorBinary, ['cable', 'status', '--server', server.url, '--receipt', anon.words]);
    expect(status.stdout).toContain(REPLY);
    const read = await run(
      candorBinary,
      ['cable', 'read', anon.id, '--server', server.url, '--org', DEMO_ORG, '--user', DEMO_ADMIN.username, '--key', join(server.dataDir, 'demo-reviewer.key')],
      { env: { ...process.env, CANDOR_PASSWORD: DEMO_ADMIN.password, CANDOR_PASSPHRASE: DEMO_KEY_PASSPHRASE } },
    );
    expect(read.stdout).toContain(ANON_BODY);
  });

  test('the receipt is not lost by leaving, Back does not invite the same cable twice, and a spent quota is said plainly', async () => {
    const d = await device();
    await importKey(d.page, demoKeyFile(server, 6));
    const asked: string[] = [];
    d.page.on('dialog', (dialog) => {
      asked.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await writeCable(d.page, 'Guarded receipt', 'First of three.', undefined, /*keep=*/ false);
    // Leaving before the receipt is kept asks first; staying keeps the receipt on screen.
    await d.page.evaluate(() => {
      window.location.hash = '#/';
    });
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain('confirm: Your receipt is not saved yet');
    expect(await d.page.getByTestId('receipt').isVisible()).toBe(true);
    expect(await d.page.evaluate(() => window.location.hash)).toBe('#/member/cables/new');
    // Once kept, leaving asks nothing; Back shows that the cable was sent.
    await d.page.getByLabel('I have written down my 12 words, or saved them somewhere safe.').check();
    await d.page.evaluate(() => {
      window.location.hash = '#/';
    });
    await expect.poll(() => d.page.evaluate(() => window.location.hash)).toBe('#/');
    await d.page.goBack();
    await d.page.getByTestId('sent-before').waitFor();
    expect(asked.length).toBe(1);
    await screenshot(d.page, 'member-cable-sent-before');
    // The quota: two more, then the fourth is refused in the quota's own words.
    await writeCable(d.page, 'Second', 'Second of three.');
    await writeCable(d.page, 'Third', 'Third of three.');
    await visit(d.page, '/#/member/cables/new');
    await d.page.getByLabel('Subject').fill('Fourth');
    await d.page.getByLabel('What you want the reviewers to know').fill('One too many.');
    await d.page.getByTestId('send-cable').click();
    const refusal = d.page.getByRole('alert').filter({ hasText: 'as many cables as this organization allows' });
    await refusal.waitFor({ timeout: 60_000 });
    expect(await refusal.textContent()).not.toContain('memory');
    await screenshot(d.page, 'member-cable-quota-spent');
  });

  test('the idle lock warns a minute ahead, typing puts it off, and an unsent cable survives it', async () => {
    const d = await device();
    const page = d.page;
    await page.clock.install(); // the page's timers, moved forward below instead of waiting
    await importKey(page, demoKeyFile(server, 9));
    await visit(page, '/#/member/cables/new');
    await unlockIfAsked(page, page.getByLabel('Subject'));
    await page.getByLabel('Subject').fill('Kept across the lock');
    await page.getByLabel('What you want the reviewers to know').fill('Written before a long phone call.');
    await page.getByLabel('With my name').check();
    await page.getByLabel('Your name, as the reviewers should see it').fill('R. Writer');
    const warning = page.getByTestId('lock-warning');
    expect(await warning.isVisible()).toBe(false);
    // Fourteen minutes and a half without doing anything: the warning, announced (role=alert).
    await page.clock.fastForward('14:30');
    await warning.waitFor();
    expect(await warning.getAttribute('role')).toBe('alert');
    expect(await warning.textContent()).toContain('locks it in one minute');
    // Typing puts the lock off: the warning goes, and the key is still unlocked 14 minutes on.
    await page.getByLabel('What you want the reviewers to know').press('End');
    await page.keyboard.type(' Still here.');
    await warning.waitFor({ state: 'hidden' });
    await page.clock.fastForward('14:00');
    expect(await page.getByLabel('Subject').isVisible()).toBe(true);
    // Then nothing for a while: warned, then locked; the text is kept, not lost.
    await page.clock.fastForward('00:40');
    await warning.waitFor();
    await screenshot(page, 'member-lock-warning');
    await expectAccessible(page, 'the lock warning');
    await page.clock.fastForward('01:00');
    await page.getByRole('button', { name: 'Unlock' }).waitFor();
    expect(await page.getByLabel('Subject').count()).toBe(0);
    await page.getByLabel(/^Passphrase of your/).fill(DEMO_KEY_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByTestId('draft-restored').waitFor();
    await expect.poll(() => focused(page)).toContain('Your unsent cable was kept');
    expect(await page.getByLabel('Subject').inputValue()).toBe('Kept across the lock');
    expect(await page.getByLabel('What you want the reviewers to know').inputValue()).toBe('Written before a long phone call. Still here.');
    expect(await page.getByLabel('With my name').isChecked()).toBe(true);
    expect(await page.getByLabel('Your name, as the reviewers should see it').inputValue()).toBe('R. Writer');
    // Sent, the kept copy is gone: the next form starts empty.
    await page.getByTestId('send-cable').click();
    await page.getByTestId('cable-sent').waitFor({ timeout: 60_000 });
    secrets.push(...(await readReceipt(page)).secrets);
    await page.getByLabel('I have written down my 12 words, or saved them somewhere safe.').check();
    await visit(page, '/#/');
    await visit(page, '/#/member/cables/new');
    await page.getByLabel('Subject').waitFor();
    expect(await page.getByLabel('Subject').inputValue()).toBe('');
    expect(await page.getByTestId('draft-restored').count()).toBe(0);
  });

  test.each([
    [10, { width: 390, height: 844 }],
    [7, { width: 1100, height: 900 }],
  ] as const)('the keyboard alone (demo key %i, %o): unlock, write, send, keep the receipt and read the state, with the focus on each result', async (n, viewport) => {
    const d = await device(viewport);
    const page = d.page;
    await importKey(page, demoKeyFile(server, n));
    // Tab (never a click) until `matches` holds for the focused element; at most 60 steps.
    await visit(page, '/#/member/cables/new');
    await tabTo(page, 'the passphrase', (el) => el.name === 'passphrase');
    await page.keyboard.type(DEMO_KEY_PASSPHRASE);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page), { timeout: 60_000 }).toBe('field:subject');
    await page.keyboard.type('Typed, never clicked');
    await tabTo(page, 'the text', (el) => el.name === 'body');
    await page.keyboard.type('Every step of this cable was done from the keyboard.');
    await tabTo(page, 'the send button', (el) => el.tag === 'button' && el.text === 'Encrypt and send');
    await page.keyboard.press('Enter');
    await page.getByTestId('cable-sent').waitFor({ timeout: 60_000 });
    await expect.poll(() => focused(page)).toContain('receipt'); // the receipt's heading
    const receipt = await readReceipt(page);
    secrets.push(...receipt.secrets);
    await tabTo(page, 'the saved-receipt box', (el) => el.type === 'checkbox');
    await page.keyboard.press('Space');
    expect(await page.getByLabel('I have written down my 12 words, or saved them somewhere safe.').isChecked()).toBe(true);
    await visit(page, '/#/member/cables/read');
    await tabTo(page, 'the receipt field', (el) => el.tag === 'textarea' || el.type === 'password' || el.type === 'text');
    await page.keyboard.type(receipt.words);
    await tabTo(page, 'the read button', (el) => el.tag === 'button' && el.text === 'Read replies');
    await page.keyboard.press('Enter');
    await page.getByTestId('cable-state').waitFor({ timeout: 60_000 });
    expect(await focused(page)).toBe('Your message');
    await expectAccessible(page, 'replies read from the keyboard');
  });

  test('a safety guide where a member starts, and a quick exit on every page that leaves at once, even from an unsaved receipt', async () => {
    // Not in `devices`: this one leaves the server on purpose (the exit page, answered here by
    // playwright, so nothing goes to the internet).
    const d = await newDevice(browser, server);
    const page = d.page;
    await page.route('https://en.wikipedia.org/**', (r) => r.fulfill({ contentType: 'text/html', body: '<title>Weather</title><p>Weather</p>' }));
    const asked: string[] = [];
    page.on('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await visit(page, '/#/');
    await page.getByTestId('safety-guide-link').click();
    await page.getByRole('heading', { name: 'Staying safe', level: 1 }).waitFor();
    for (const topic of [
      'Use your own device and network',
      'Hide that you visit this site',
      'A private window',
      'What Candor keeps in this browser',
      'Files and history',
      'Leaving quickly',
    ]) {
      await page.getByRole('heading', { name: topic, level: 2 }).waitFor();
    }
    const guide = (await page.locator('main').textContent())!;
    for (const words of ['Tor Browser', 'private (incognito) window', 'candor-…', 'choose “Never”', 'Remove from this device…', 'does not erase your browser history']) {
      expect(guide).toContain(words);
    }
    await screenshot(page, 'member-safety-guide');
    await expectAccessible(page, 'the safety guide');
    // The quick exit is in the header of every page, and reachable from the keyboard.
    for (const path of ['/#/', '/#/letters', '/#/member', '/#/member/cables/new', '/#/safety']) {
      await visit(page, path);
      await page.getByRole('button', { name: 'Quick exit' }).waitFor();
    }
    // Even with a receipt not yet saved (which otherwise asks before leaving), it leaves at once.
    await importKey(page, demoKeyFile(server, 8));
    await writeCable(page, 'Leaving quickly', 'Written just before leaving.', undefined, /*keep=*/ false);
    await page.getByRole('button', { name: 'Quick exit' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL('https://en.wikipedia.org/wiki/Weather');
    expect(await page.title()).toBe('Weather');
    expect(asked).toEqual([]);
    const origin = new URL(server.url).origin;
    const elsewhere = d.requests.map((r) => new URL(r.url)).filter((u) => u.protocol !== 'blob:' && u.origin !== origin);
    expect(elsewhere.map((u) => u.href)).toEqual(['https://en.wikipedia.org/wiki/Weather']);
    await d.context.close();
  });

  test('an administrator sets the organization’s time zone, and the cable pages say it', async () => {
    // Issue 15, item 4.
    const page = reviewer.page;
    const setZone = async (zone: string) => {
      await visit(page, '/#/staff/policy');
      await page.getByLabel('Time zone', { exact: true }).fill(zone);
      await page.getByRole('button', { name: 'Save the policy' }).click();
      await page.getByText('Saved. The change is a public log entry.').waitFor();
      await expect.poll(() => page.getByTestId('policy-now').textContent()).toContain(`the ${zone} time zone`);
      const org = await apiGet<{ settings: { time_zone?: string } }>(server, `/orgs/${DEMO_ORG}`);
      expect(org.settings.time_zone).toBe(zone === 'UTC' ? undefined : zone);
    };
    await visit(page, '/#/staff/policy');
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('UTC');
    await page.getByLabel('Time zone', { exact: true }).fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save the policy' }).click();
    await page.getByText('is not a time zone this server knows').waitFor();
    await setZone('Europe/Brussels');
    await expectAccessible(page, 'the policy page with its time zone');
    await openAsReviewer(anon.id);
    await expect.poll(() => page.getByTestId('time-zone').textContent()).toContain('Europe/Brussels');
    await setZone('UTC');
    await openAsReviewer(anon.id);
    await expect.poll(() => page.getByTestId('time-zone').textContent()).toContain('the UTC time zone');
  });

  test('an administrator makes a channel; an author writes in it and its reviewer sees it', async () => {
    // Issue 15, item 3. The demo has one reviewer, so the channel has that one.
    const page = reviewer.page;
    await visit(page, '/#/staff/people');
    const add = page.getByRole('form', { name: 'Add a channel' });
    await add.getByLabel('Name, as authors see it').fill('Conduct of senior staff');
    await add.getByLabel('Short id').fill('Conduct');
    await add.getByTestId('add-channel').click();
    await page.getByText("a channel's id has 1 to 32 lowercase letters").waitFor();
    await add.getByLabel('Short id').fill('conduct');
    await add.getByTestId('add-channel').click();
    await page.getByText('Tick at least one reviewer for the channel.').waitFor();
    await add.getByRole('checkbox').first().check();
    await add.getByTestId('add-channel').click();
    await page.getByText('Added the channel “Conduct of senior staff”.').waitFor();
    const org = await apiGet<{ settings: { channels?: { id: string; reviewers: number[] }[]; policy: { name: string } } }>(server, `/orgs/${DEMO_ORG}`);
    expect(org.settings.channels?.map((c) => c.id)).toEqual(['conduct']);
    expect(org.settings.policy.name).toBe('dissent-channel'); // the other settings are kept
    await expectAccessible(page, 'the channels editor');
    await screenshot(page, 'staff-channels');

    const d = await device();
    await importKey(d.page, demoKeyFile(server, 11));
    const inChannel = await writeCable(d.page, 'The director’s conduct', 'Raised in the channel for conduct of senior staff.', undefined, true, 'Conduct of senior staff');
    await screenshot(d.page, 'member-cable-channel-sent');
    await visit(d.page, '/#/member/cables/new');
    await d.page.getByTestId('cable-channel').waitFor();
    await expectAccessible(d.page, 'the cable form with channels');
    await screenshot(d.page, 'member-cable-channels');
    // The reviewer sees it after the next batch, with its channel and its readers.
    await eventually('the channel’s cable in the reviewer’s view', async () => {
      // Until its batch is out the cable does not exist for the reviewer (404).
      await visit(page, `/#/staff/cables/${inChannel.id}`);
      await page.getByTestId('cable-subject').or(page.getByText('This cable could not be opened.')).first().waitFor({ timeout: 60_000 });
      return (await page.getByTestId('cable-readers-now').count()) > 0 ? true : undefined;
    }, 90_000);
    await expect.poll(() => page.getByTestId('cable-readers-now').textContent()).toContain('Channel: Conduct of senior staff.');
    // Removed again, so that the other tests see the organization as before.
    await visit(page, '/#/staff/people');
    await page.getByRole('button', { name: 'Remove Conduct of senior staff' }).click();
    await page.getByText('Removed the channel “Conduct of senior staff”.').waitFor();
    const after = await apiGet<{ settings: { channels?: unknown } }>(server, `/orgs/${DEMO_ORG}`);
    expect(after.settings.channels).toBeUndefined();
  });

  test('a reviewer can withdraw from a cable, but not as its last reader', async () => {
    // Issue 15, item 2: the demo has one reviewer, so the server refuses and says why.
    const page = await openAsReviewer(anon.id);
    const f = page.getByTestId('form-recuse');
    await f.getByTestId('recuse').click();
    await page.getByText('Tick the box first: withdrawing cannot be undone.').waitFor();
    await f.getByLabel('I withdraw from this cable, and understand it cannot be undone').check();
    await f.getByTestId('recuse').click();
    await page.getByText('you are the only reviewer who can read this cable').waitFor();
    await expectAccessible(page, 'the reviewer’s cable page with the withdrawal refused');
    expect(page.url()).toContain(`/staff/cables/${anon.id}`);
  });

  test('a reviewer who joins later is given an earlier cable by its reader, in the browser', async () => {
    // Issue 15, item 2: the administrator (the demo's reviewer) adds a reviewer; the newcomer
    // makes a reviewer key in their browser; the reader wraps the cable's keys for them.
    const page = reviewer.page;
    await visit(page, '/#/staff/people');
    const add = page.getByRole('form', { name: 'Add an account' });
    await add.getByLabel('Username').fill('newcomer');
    await add.getByLabel('First password').fill('a long first password');
    await add.getByRole('button', { name: 'Add the account' }).click();
    await page.getByText('newcomer', { exact: true }).first().waitFor();

    const n = await device();
    await visit(n.page, '/#/staff');
    await n.page.getByLabel('Organization').selectOption(DEMO_ORG);
    await n.page.getByLabel('Username').fill('newcomer');
    await n.page.getByLabel('Password').fill('a long first password');
    await n.page.getByRole('button', { name: 'Sign in' }).click();
    await n.page.getByTestId('staff-user').waitFor();
    await visit(n.page, '/#/staff/inbox');
    await n.page.getByText('Create a new reviewer key instead').click();
    await n.page.getByLabel('Choose a passphrase').fill('newcomer key passphrase');
    await n.page.getByLabel('Type the passphrase again').fill('newcomer key passphrase');
    await n.page.getByRole('button', { name: 'Create and register a reviewer key' }).click();
    await n.page.getByTestId('reviewer-key-ready').waitFor({ timeout: 60_000 });
    // Not theirs to read yet.
    await visit(n.page, `/#/staff/cables/${anon.id}`);
    await n.page.getByText('This cable could not be opened.').waitFor();

    // The reader gives it; the grant is in the cable's history at once.
    await openAsReviewer(anon.id);
    const f = page.getByTestId('form-grant');
    await f.getByRole('radio', { name: /^newcomer — key / }).check();
    await expectAccessible(page, 'the reviewer’s cable page with the grant form');
    await screenshot(page, 'reviewer-cable-grant');
    await f.getByTestId('grant').click();
    await page.locator('[data-action="granted"]').waitFor();
    await expect.poll(() => page.getByTestId('cable-readers-now').textContent()).toContain('newcomer');

    // The newcomer reads the cable and the earlier reply with their own key, in their browser.
    await visit(n.page, `/#/staff/cables/${anon.id}`);
    await n.page.getByTestId('cable-subject').waitFor({ timeout: 60_000 });
    expect(await n.page.getByTestId('cable-body').textContent()).toBe(ANON_BODY);
    await expect.poll(() => n.page.getByTestId('message-replied').first().textContent()).toBe(REPLY);
    await screenshot(n.page, 'reviewer-cable-given');
  });

  test('no page sent a receipt, a referrer or a request elsewhere, and the CSP held', () => {
    expect(secrets.length).toBe(30); // ten receipts: the words, the seed and the secret of each
    for (const d of devices) checkPrivacy(d, server, secrets);
  });
});
