// One release: its step chain (current step highlighted), live over the event stream; the analysis measurements
// as charts; the events; the commands, each confirmed after saying what it will do; the build that started it.
import { ApiError, mayChange, path } from './api.js';
import { h } from './dom.js';
import { followEvents } from './events.js';
import { measurementCharts } from './charts.js';
import { TERMINAL, clock, phaseClass } from './format.js';
import { statusIcon } from './apps.js';

const MAX_EVENTS_SHOWN = 200;

/** Renders release releaseId of app into ctx.root and follows it; returns {stop}. */
export function renderRelease(ctx, app, releaseId) {
  const { api, identity, root } = ctx;
  const state = { status: null, plan: null, events: [], measurements: [], descriptions: {}, stream: 'connecting' };
  const el = {
    head: h('div', { class: 'release-head' }),
    actions: h('div', { class: 'actions', id: 'actions' }),
    notice: h('p', { class: 'notice', id: 'notice', role: 'status', hidden: true }),
    steps: h('div', { class: 'steps-box' }),
    charts: h('div', { class: 'charts-box', id: 'charts' }),
    measurements: h('div', { class: 'measurements' }),
    events: h('ol', { class: 'events', id: 'events', reversed: true }),
    stream: h('span', { class: 'stream', id: 'stream' }),
  };
  const dialog = confirmDialog();
  root.replaceChildren(
    ctx.embedded ? null : h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Apps'), ' / ',
      h('a', { href: `#/apps/${encodeURIComponent(app)}` }, app), ' / ', releaseId),
    h('section', { class: 'release', id: 'release', 'data-release': releaseId },
      el.head, el.notice, el.actions,
      h('div', { class: 'release-grid' },
        h('div', {}, h('h2', {}, 'Steps'), el.steps),
        h('div', {}, h('h2', {}, 'Analysis'), el.charts, el.measurements)),
      h('h2', {}, 'Events ', el.stream), el.events),
    dialog.element);

  let stopped = false;
  let refreshing = null;
  let again = false;

  /** Reads the status again; calls that arrive meanwhile are folded into one more read. */
  async function refreshStatus() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        try {
          state.status = await api.get(path.release(releaseId));
        } catch (e) {
          if (e.status === 404) {
            el.head.replaceChildren(h('p', { class: 'problem' }, `No release ${releaseId} on this runner.`));
            return;
          }
        }
        if (!stopped) {
          draw();
        }
      } while (again && !stopped);
    })();
    try {
      await refreshing;
    } finally {
      refreshing = null;
    }
  }

  function draw() {
    const s = state.status;
    if (!s) {
      return;
    }
    drawHead(s);
    drawSteps(s);
    drawActions(s);
    el.charts.replaceChildren(measurementCharts(state.measurements, TERMINAL.has(s.phase)));
    el.measurements.replaceChildren(...otherMeasurements(state.measurements));
    el.stream.textContent = { live: '· live', reconnecting: '· reconnecting…', ended: '· ended', connecting: '' }[state.stream];
  }

  function drawHead(s) {
    const cause = state.plan && state.plan.cause;
    el.head.replaceChildren(
      h('div', { class: 'title' }, statusIcon(s.phase), h('h1', {}, s.id),
        h('span', { class: `badge ${phaseClass(s.phase)}`, id: 'phase', 'data-phase': s.phase }, s.phase)),
      h('p', { class: 'summary' },
        h('a', { href: `#/apps/${encodeURIComponent(s.app)}` }, s.app),
        ` · revision ${s.fromRevision === null ? '(none)' : s.fromRevision} → ${s.toRevision} · ${s.strategy}`,
        s.stepCount > 0 ? ` · step ${s.step}/${s.stepCount}` : '',
        ` · new revision ${s.canaryWeight}% of the traffic`),
      h('p', { class: 'message', id: 'message' }, s.message),
      h('p', { class: 'cause', id: 'cause' }, cause && cause.buildUrl
        ? ['Started by ', h('a', { href: cause.buildUrl, target: '_blank', rel: 'noopener noreferrer', id: 'build-link' },
          `Jenkins build${cause.buildNumber ? ` #${cause.buildNumber}` : ''}`), cause.commit ? ` · commit ${cause.commit.slice(0, 12)}` : '']
        : 'Started without a Jenkins build (deployed through the API or the CLI).'));
  }

  function stepText(n) {
    const planned = state.plan && state.plan.steps[n - 1];
    return planned || state.descriptions[n] || `step ${n}`;
  }

  function drawSteps(s) {
    const succeeded = s.phase === 'Succeeded';
    const items = [];
    for (let n = 1; n <= s.stepCount; n++) {
      const cls = succeeded || n < s.step ? 'done' : n === s.step ? `current ${phaseClass(s.phase)}` : 'pending';
      items.push(h('li', { class: `step ${cls}`, 'data-step': n, 'aria-current': n === s.step && !succeeded ? 'step' : null },
        h('span', { class: 'num' }, String(n)), h('span', { class: 'text' }, stepText(n)),
        n === s.step && !TERMINAL.has(s.phase) ? h('span', { class: `badge ${phaseClass(s.phase)}` }, s.phase) : null));
    }
    el.steps.replaceChildren(h('ol', { class: 'steps', id: 'steps', 'data-current-step': s.step, 'data-phase': s.phase },
      items.length ? items : h('li', { class: 'muted' }, 'no step')));
  }

  function drawActions(s) {
    if (!mayChange(identity)) {
      el.actions.replaceChildren(h('p', { class: 'muted', id: 'read-only' },
        'This token may only read: the commands are hidden.'));
      return;
    }
    const ended = TERMINAL.has(s.phase);
    const gray = s.strategy !== 'rolling';
    const next = s.step < s.stepCount ? `step ${s.step + 1} (${stepText(s.step + 1)})` : null;
    const commands = [
      { id: 'promote', label: 'Promote', enabled: !ended && gray && s.phase !== 'Pending',
        says: `Ends step ${s.step} of ${s.id} (${stepText(s.step)}) and goes on${next ? ` to ${next}` : `: that is the last step, so revision ${s.toRevision} gets 100% of the traffic and the release succeeds`}.`,
        run: () => api.post(path.command(s.id, 'promote'), { full: false }) },
      { id: 'promote-full', label: 'Promote full', enabled: !ended && gray && s.phase !== 'Pending',
        says: `Skips every remaining step of ${s.id} (and any analysis still to come): revision ${s.toRevision} gets 100% of the traffic now and the release succeeds.`,
        run: () => api.post(path.command(s.id, 'promote'), { full: true }) },
      { id: 'pause', label: 'Pause', enabled: !ended && gray && s.phase === 'Progressing',
        says: `Holds ${s.id} where it is (step ${s.step}, new revision at ${s.canaryWeight}%). Analyses keep measuring; Resume goes on.`,
        run: () => api.post(path.command(s.id, 'pause')) },
      { id: 'resume', label: 'Resume', enabled: !ended && s.phase === 'Paused',
        says: `Goes on with ${s.id} from step ${s.step} (after a pause by hand or an inconclusive analysis, which measures again). A pause step is ended by Promote instead.`,
        run: () => api.post(path.command(s.id, 'resume')) },
      { id: 'abort', label: 'Abort', danger: true, enabled: !ended, reason: true,
        says: `Stops ${s.id}: traffic goes back to revision ${s.fromRevision === null ? '(none: this is the first release, which then fails)' : s.fromRevision} at once, then the new replicas are removed.`,
        run: (reason) => api.post(path.command(s.id, 'abort'), { reason }) },
      { id: 'rollback', label: 'Roll back app', danger: true, enabled: ended && s.phase === 'Succeeded',
        says: `Deploys the revision ${s.app} ran before revision ${s.toRevision} again, as a new revision with a rolling release.`,
        run: () => api.post(path.rollback(s.app)) },
    ];
    el.actions.replaceChildren(...commands.map((c) => h('button', {
      type: 'button', id: `action-${c.id}`, 'data-action': c.id, class: c.danger ? 'danger' : '', disabled: !c.enabled,
      title: c.says,
      onclick: () => dialog.ask(c.label, c.says, c.reason, async (reason) => {
        try {
          await c.run(reason);
          say(`${c.label}: accepted by the runner.`, false);
          refreshStatus();
        } catch (e) {
          say(`${c.label} refused: ${e instanceof ApiError && e.status ? `${e.status} ` : ''}${e.message}`, true);
        }
      }),
    }, c.label)));
  }

  function say(text, problem) {
    el.notice.textContent = text;
    el.notice.className = problem ? 'notice problem' : 'notice';
    el.notice.hidden = false;
  }

  function onEvent(e) {
    state.events.push(e);
    if (e.type === 'StepStarted' && e.data && e.data.step) {
      state.descriptions[e.data.step] = e.data.description || e.message.replace(/^step \d+\/\d+: /, '');
    }
    if (e.type === 'AnalysisMeasured' && e.data) {
      state.measurements.push(e.data);
    }
    el.events.prepend(h('li', { class: 'event', 'data-type': e.type, 'data-id': e.id },
      h('time', { datetime: e.time }, clock(e.time)), h('span', { class: 'type' }, e.type), h('span', { class: 'text' }, e.message)));
    while (el.events.childElementCount > MAX_EVENTS_SHOWN) {
      el.events.lastElementChild.remove();
    }
    refreshStatus();
  }

  api.get(path.plan(releaseId)).then((plan) => {
    state.plan = plan;
  }, () => {
    state.plan = null;
  }).finally(() => {
    if (!stopped) {
      refreshStatus();
    }
  });
  const follower = followEvents(api, releaseId, {
    onEvent,
    onState: (s) => {
      state.stream = s;
      draw();
    },
  });
  return {
    stop() {
      stopped = true;
      follower.stop();
      dialog.close();
    },
  };
}

/** Measurements of providers other than the router (http checks, webhooks): the latest per metric, in words. */
function otherMeasurements(measurements) {
  const latest = new Map();
  for (const m of measurements) {
    if (m.provider !== 'router') {
      latest.set(m.metric, m);
    }
  }
  if (latest.size === 0) {
    return [];
  }
  return [h('ul', { class: 'checks' }, [...latest.values()].map((m) => h('li', { class: `check ${m.verdict}` },
    `${m.metric} #${m.index}${m.count ? `/${m.count}` : ''}: ${m.message}`)))];
}

/** A modal that says what a command will do and runs it only on Confirm. */
function confirmDialog() {
  const title = h('h2', { id: 'confirm-title' });
  const text = h('p', { id: 'confirm-text' });
  const reason = h('input', { type: 'text', id: 'confirm-reason', placeholder: 'reason (optional)', maxlength: 200 });
  const reasonRow = h('label', { class: 'reason' }, 'Reason ', reason);
  const ok = h('button', { type: 'button', id: 'confirm-ok', class: 'primary' }, 'Confirm');
  const cancel = h('button', { type: 'button', id: 'confirm-cancel' }, 'Cancel');
  const element = h('dialog', { id: 'confirm', 'aria-labelledby': 'confirm-title' }, title, text, reasonRow,
    h('div', { class: 'dialog-buttons' }, cancel, ok));
  let action = null;
  cancel.addEventListener('click', () => element.close());
  ok.addEventListener('click', () => {
    const run = action;
    const why = reason.value.trim();
    element.close();
    if (run) {
      run(why);
    }
  });
  element.addEventListener('close', () => {
    action = null;
  });
  return {
    element,
    ask(label, says, withReason, run) {
      title.textContent = `${label}?`;
      text.textContent = says;
      reason.value = '';
      reasonRow.hidden = !withReason;
      ok.textContent = label;
      action = run;
      element.showModal();
    },
    close() {
      if (element.open) {
        element.close();
      }
    },
  };
}
