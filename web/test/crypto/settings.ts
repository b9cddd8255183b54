// The default organization settings (the dissent-channel preset) for test log entries.
import type { OrganizationSettings } from '../../src/crypto/policy.js';

export const DEFAULT_SETTINGS: OrganizationSettings = {
  policy: {
    name: 'dissent-channel',
    acknowledge: { amount: 2, unit: 'working-days' },
    answer: { amount: 30, unit: 'working-days' },
    extendedAnswer: { amount: 60, unit: 'working-days' },
  },
  minRingSize: 20,
  useUsFederalHolidays: true,
};
