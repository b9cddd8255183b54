// The start page: what Candor is, in three sentences, and one door per thing people come to do.
import { h } from '../ui/dom.js';
import { titled } from '../router.js';

export function homePage(main: HTMLElement): void {
  const door = (href: string, title: string, text: string) =>
    h('li', null, h('a', { href }, h('strong', null, title), h('span', null, text)));
  main.append(
    h('h1', null, 'Speak up safely'),
    h(
      'p',
      null,
      'Candor lets members of an organization sign letters together and write to the people appointed to answer them, ',
      'without giving up their names. Your key — what proves you are a member — is made and kept in this browser; ',
      'the server never sees it and never learns who signed.',
    ),
    h(
      'ul',
      { class: 'choices' },
      door('#/member/join', 'Join my organization', 'You were given an invitation code. Make your key here.'),
      door('#/member', 'Sign a letter', 'See the open letters of your organization and sign or withdraw.'),
      door('#/member/cables/new', 'Write to the reviewers', 'A message only the reviewers can read, with or without your name.'),
      door('#/member/cables/read', 'Read replies', 'With the 12 words you kept when you wrote to them.'),
      door('#/letters', 'Read letters and counts', 'Anyone can read letters, see the counts and check them.'),
      door('#/log', 'Check the public record', 'Every letter, signature and message is recorded where anyone can check that nothing was changed or removed.'),
      door('#/staff', 'Staff sign-in', 'Enrollment officers, reviewers and administrators.'),
    ),
    h('h2', null, 'Before you start'),
    h(
      'p',
      null,
      h('a', { href: '#/safety', 'data-testid': 'safety-guide-link' }, 'Read how to stay safe'),
      ' — two minutes on devices, networks, what this browser keeps, and leaving quickly.',
    ),
    h(
      'ul',
      null,
      h('li', null, 'Use a device and a network you trust. A work computer or work Wi-Fi may be monitored.'),
      h('li', null, 'Nobody at Candor can recover a forgotten passphrase. Write it down and keep it safe.'),
      h(
        'li',
        null,
        'Every page works from the keyboard, and nothing on these pages is loaded from other websites.',
      ),
    ),
  );
  titled(main, 'Speak up safely');
}
