// How figures read on the dashboard.

/** "rev 1 75% / rev 2 25%", lowest revision first; "none" for an empty map. */
export function weights(map) {
  const entries = revisionsOf(map);
  return entries.length === 0 ? 'none' : entries.map(([rev, w]) => `rev ${rev} ${w}%`).join(' / ');
}

/** Entries of a revision-keyed map, lowest revision first. */
export function revisionsOf(map) {
  return Object.entries(map || {}).sort((a, b) => Number(a[0]) - Number(b[0]));
}

/** Local wall-clock time of an ISO instant: 13:36:14. */
export function clock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleTimeString([], { hour12: false });
}

export function percent(share, digits = 1) {
  return `${(share * 100).toFixed(digits)}%`;
}

/** Phases after which nothing changes any more. */
export const TERMINAL = new Set(['Succeeded', 'Failed', 'RolledBack', 'Aborted']);

/** The status icon's shape and colour class of a phase (or of an app without a running release). */
export function phaseClass(phase) {
  switch (phase) {
    case 'Succeeded': case 'Healthy': return 'ok';
    case 'Progressing': case 'Pending': return 'progress';
    case 'Paused': return 'paused';
    case 'Degraded': return 'warn';
    case 'Failed': case 'RolledBack': case 'Aborted': return 'bad';
    default: return 'idle';
  }
}
