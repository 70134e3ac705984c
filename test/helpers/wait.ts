/**
 * How long a wait for a condition may take (vi.waitFor's options): a whole browser login on a loaded
 * 2-core machine takes seconds, and a wait that holds returns at once, so a generous limit costs nothing.
 */
export const waitLimit = {timeout: 20_000, interval: 20} as const;
