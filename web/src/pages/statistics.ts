// The compliance statistics page (administrators; issue 15, item 6): for a period, how many
// cables arrived and how many were acknowledged and answered within their deadlines, month by
// month, with the medians, what is overdue and the extensions; a chart, a table, and the same
// numbers as CSV or JSON. The server computes them from days only (docs/API.md).
import { api } from '../api.js';
import { titled } from '../router.js';
import { barChart } from '../ui/chart.js';
import { errorRegion, field, focusResult, form, h, replace, tableWrap } from '../ui/dom.js';
import { showError } from '../ui/errors.js';
import type { StaffPage } from './staff.js';

export interface StatisticsRow {
  period: string;
  received: number;
  acknowledged: number;
  acknowledged_on_time: number;
  answered: number;
  answered_on_time: number;
  extended: number;
  open: number;
  overdue: number;
  median_days_to_acknowledge: number | null;
  median_days_to_answer: number | null;
}

export interface Statistics {
  from: string;
  to: string;
  today: string;
  months: StatisticsRow[];
  total: StatisticsRow;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

// The last twelve months up to today (UTC, as the server counts days).
function defaultPeriod(): { from: string; to: string } {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  return { from: isoDay(from), to: isoDay(now) };
}

function share(part: number, whole: number): string {
  if (whole === 0) return '—';
  return `${part} of ${whole} (${Math.round((100 * part) / whole)} %)`;
}

function days(m: number | null): string {
  if (m === null) return '—';
  return `${m} day${m === 1 ? '' : 's'}`;
}

function statisticsPath(slug: string, from: string, to: string, format: 'json' | 'csv'): string {
  const q = new URLSearchParams({ from, to });
  if (format === 'csv') q.set('format', 'csv');
  return `/orgs/${encodeURIComponent(slug)}/cables/statistics?${q.toString()}`;
}

function summary(t: StatisticsRow): HTMLElement {
  const row = (name: string, value: string, id: string) => h('tr', null, h('th', { scope: 'row' }, name), h('td', { 'data-testid': id }, value));
  return tableWrap(
    'The period in figures',
    h(
      'table',
      null,
      h('caption', null, 'The period in figures'),
      h(
        'tbody',
        null,
        row('Cables received', String(t.received), 'stat-received'),
        row('Acknowledged within the deadline', share(t.acknowledged_on_time, t.received), 'stat-ack-on-time'),
        row('Answered within the deadline', share(t.answered_on_time, t.received), 'stat-answer-on-time'),
        row('Median time to acknowledge', days(t.median_days_to_acknowledge), 'stat-median-ack'),
        row('Median time to answer', days(t.median_days_to_answer), 'stat-median-answer'),
        row('Still open', String(t.open), 'stat-open'),
        row('Open and overdue today', String(t.overdue), 'stat-overdue'),
        row('Deadlines extended', String(t.extended), 'stat-extended'),
      ),
    ),
  );
}

function monthTable(s: Statistics): HTMLElement {
  const cols: [string, (r: StatisticsRow) => string][] = [
    ['Received', (r) => String(r.received)],
    ['Acknowledged', (r) => String(r.acknowledged)],
    ['Acknowledged on time', (r) => String(r.acknowledged_on_time)],
    ['Answered', (r) => String(r.answered)],
    ['Answered on time', (r) => String(r.answered_on_time)],
    ['Extended', (r) => String(r.extended)],
    ['Open', (r) => String(r.open)],
    ['Overdue', (r) => String(r.overdue)],
    ['Median days to acknowledge', (r) => (r.median_days_to_acknowledge === null ? '—' : String(r.median_days_to_acknowledge))],
    ['Median days to answer', (r) => (r.median_days_to_answer === null ? '—' : String(r.median_days_to_answer))],
  ];
  const line = (r: StatisticsRow, head: string) =>
    h('tr', null, h('th', { scope: 'row', class: 'nowrap' }, head), cols.map(([, f]) => h('td', { class: 'num' }, f(r))));
  return tableWrap(
    'Month by month',
    h(
      'table',
      { 'data-testid': 'stat-months' },
      h('caption', null, 'Month by month (by the month a cable was received)'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Month'), cols.map(([name]) => h('th', { scope: 'col', class: 'num' }, name)))),
      h('tbody', null, s.months.map((r) => line(r, r.period)), line(s.total, 'All')),
    ),
  );
}

export const statisticsPage: StaffPage = (main, s) => {
  titled(main, 'Statistics');
  const slug = s.account.organization;
  const errors = errorRegion();
  const result = h('div', { 'data-testid': 'statistics' });
  const period = defaultPeriod();
  const from = h('input', { type: 'date', required: true, name: 'from', value: period.from });
  const to = h('input', { type: 'date', required: true, name: 'to', value: period.to });
  const show = async (focus: boolean): Promise<void> => {
    errors.replaceChildren();
    try {
      const stats = await api<Statistics>(statisticsPath(slug, from.value, to.value, 'json'), { as: 'staff' });
      const heading = h('h2', { tabindex: '-1' }, `Cables received from ${stats.from} to ${stats.to}`);
      replace(
        result,
        heading,
        h('p', { class: 'hint' }, `Counted on ${stats.today}, from the days cables were received, acknowledged and answered (never a time of day). A cable counts in the month it was received; one still waiting for its group is not counted yet.`),
        summary(stats.total),
        barChart(
          {
            periods: stats.months.map((m) => m.period),
            series: [
              { name: 'Received', values: stats.months.map((m) => m.received) },
              { name: 'Acknowledged on time', values: stats.months.map((m) => m.acknowledged_on_time) },
              { name: 'Answered on time', values: stats.months.map((m) => m.answered_on_time) },
              { name: 'Overdue today', values: stats.months.map((m) => m.overdue) },
            ],
          },
          'Cables by the month they were received',
          'Cables by month, as a table',
        ),
        monthTable(stats),
        h(
          'p',
          { class: 'actions' },
          h('a', { href: `/api/v1${statisticsPath(slug, stats.from, stats.to, 'csv')}`, download: '', 'data-testid': 'stat-csv' }, 'Download as CSV (spreadsheets)'),
          h('a', { href: `/api/v1${statisticsPath(slug, stats.from, stats.to, 'json')}`, download: `candor-${slug}-statistics-${stats.from}-to-${stats.to}.json`, 'data-testid': 'stat-json' }, 'Download as JSON'),
        ),
      );
      if (focus) focusResult(heading);
    } catch (e) {
      result.replaceChildren();
      showError(errors, e, 'The statistics could not be computed.');
    }
  };
  main.append(
    h('h1', null, 'Statistics'),
    h('p', null, 'How the organization meets its deadlines for cables: how many arrived, how many were acknowledged and answered in time, and what is overdue. Nothing here says who wrote a cable or what it says.'),
    form(
      { 'aria-label': 'Choose the period' },
      () => show(true),
      field({ label: 'From (the first day)', input: from }),
      field({ label: 'To (the last day)', input: to }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show')),
    ),
    errors,
    result,
  );
  void show(false);
};
