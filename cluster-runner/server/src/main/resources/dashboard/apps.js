// Every app on one page (or one app with its current release): status, strategy, serving revision, set weight
// beside the weight the router measured over the last minute, and a square per replica coloured by health.
import { path } from './api.js';
import { h, svg } from './dom.js';
import { TERMINAL, phaseClass, revisionsOf, weights } from './format.js';
import { renderRelease } from './release.js';

const POLL_MS = 2000;

/** Renders the apps page (appName null) or one app's page into ctx.root; returns {stop}. */
export function renderApps(ctx, appName) {
  const { api, root } = ctx;
  const list = h('div', { class: 'cards', id: 'apps' });
  const problem = h('p', { class: 'problem', role: 'alert', hidden: true });
  const releaseRoot = h('div', { class: 'app-release' });
  root.replaceChildren(
    appName ? h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Apps'), ' / ', appName)
      : h('h1', {}, 'Apps'),
    problem, list, releaseRoot);
  let timer = null;
  let stopped = false;
  let shownRelease = null;
  let releaseView = null;

  async function refresh() {
    try {
      const apps = appName ? [await api.get(`/api/v1/apps/${encodeURIComponent(appName)}`)] : await api.get(path.apps());
      const releases = await Promise.all(apps.map((a) => (a.currentRelease
        ? api.get(path.release(a.currentRelease)).catch(() => null) : null)));
      if (stopped) {
        return;
      }
      problem.hidden = true;
      list.replaceChildren(...(apps.length === 0
        ? [h('p', { class: 'empty' }, 'No app yet. Deploy one with slipwayDeploy or slipway-runner deploy.')]
        : apps.map((a, i) => card(a, releases[i], !appName))));
      if (appName && apps[0].currentRelease !== shownRelease) {
        shownRelease = apps[0].currentRelease;
        if (releaseView) {
          releaseView.stop();
        }
        releaseView = shownRelease ? renderRelease({ ...ctx, root: releaseRoot, embedded: true }, appName, shownRelease)
          : null;
      }
    } catch (e) {
      if (stopped || e.status === 401) {
        return;
      }
      problem.textContent = e.status === 404 ? `No app named ${appName} on this runner.` : `Could not read the apps: ${e.message}`;
      problem.hidden = false;
    }
    if (!stopped) {
      timer = setTimeout(refresh, POLL_MS);
    }
  }

  refresh();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (releaseView) {
        releaseView.stop();
      }
    },
  };
}

/** The status an app shows: its running release's phase, else whether every serving replica is ready. */
function appState(app, release) {
  if (release && !TERMINAL.has(release.phase)) {
    return release.phase;
  }
  const ready = app.services.every((s) => s.replicas.ready >= s.replicas.desired);
  return ready ? 'Healthy' : 'Degraded';
}

export function statusIcon(state) {
  const cls = phaseClass(state);
  const shape = {
    ok: svg('path', { d: 'M4.5 8.5l2.5 2.5 4.5-5', class: 'mark' }),
    bad: svg('path', { d: 'M5 5l6 6M11 5l-6 6', class: 'mark' }),
    paused: [svg('path', { d: 'M6 5v6M10 5v6', class: 'mark' })],
    progress: svg('path', { d: 'M5 8h6M8.5 5.5L11 8l-2.5 2.5', class: 'mark' }),
    warn: svg('path', { d: 'M8 4.5v4.5M8 11v.5', class: 'mark' }),
    idle: svg('circle', { cx: 8, cy: 8, r: 1.5, class: 'mark' }),
  }[cls];
  return svg('svg', { class: `icon ${cls}`, viewBox: '0 0 16 16', width: 18, height: 18, role: 'img', 'aria-label': state },
    svg('title', {}, state), svg('circle', { cx: 8, cy: 8, r: 7.5, class: 'disc' }), shape);
}

function card(app, release, linkToApp) {
  const state = appState(app, release);
  const running = release && !TERMINAL.has(release.phase);
  const newRevision = running ? release.toRevision : null;
  const serving = running && release.fromRevision !== null ? `rev ${release.fromRevision} → ${release.toRevision}`
    : `rev ${app.revision}`;
  return h('article', { class: 'card', 'data-app': app.name, 'data-state': state },
    h('header', {},
      statusIcon(state),
      h('h2', {}, linkToApp ? h('a', { href: `#/apps/${encodeURIComponent(app.name)}` }, app.name) : app.name),
      h('span', { class: `badge ${phaseClass(state)}` }, state),
      h('span', { class: 'strategy', title: 'strategy of the latest release' }, release ? release.strategy : '–'),
      h('span', { class: 'serving', title: 'serving revision' }, serving)),
    release ? releaseLine(app, release) : null,
    app.services.map((s) => service(s, newRevision)));
}

function releaseLine(app, release) {
  const link = h('a', { href: `#/apps/${encodeURIComponent(app.name)}/releases/${encodeURIComponent(release.id)}`,
    class: 'release-link' }, release.id);
  const step = release.stepCount > 0 ? ` · step ${release.step}/${release.stepCount}` : '';
  return h('p', { class: 'release-line' }, TERMINAL.has(release.phase) ? 'last release ' : 'release ', link,
    ` · ${release.phase}${step} · new revision ${release.canaryWeight}%`);
}

function service(s, newRevision) {
  return h('section', { class: 'service', 'data-service': s.name },
    h('h3', {}, s.name, s.route ? h('span', { class: 'route' }, ` :${s.route.port} → ${s.route.targetPort}`) : null,
      h('span', { class: 'ready' }, ` ${s.replicas.ready}/${s.replicas.desired} ready`)),
    s.route ? weightRows(s, newRevision) : null,
    h('div', { class: 'replica-sets' }, replicaSets(s, newRevision)),
    s.autoscale ? autoscale(s.autoscale) : null);
}

function weightRows(s, newRevision) {
  const actual = s.actualWeights || {};
  const measured = Object.keys(actual).length > 0;
  return h('div', { class: 'weights' },
    h('div', { class: 'weight-row', 'data-kind': 'set' },
      h('span', { class: 'label' }, 'set'), bar(s.weights, newRevision), h('span', { class: 'figures' }, weights(s.weights))),
    h('div', { class: 'weight-row', 'data-kind': 'actual' },
      h('span', { class: 'label', title: 'share of the requests each revision answered over the last minute' }, 'actual'),
      bar(actual, newRevision),
      h('span', { class: 'figures' }, measured ? `${weights(actual)} (last minute)` : 'no request in the last minute')));
}

/** A bar split by revision; the revision being released is drawn apart from the others. */
function bar(map, newRevision) {
  const width = 160;
  let x = 0;
  const parts = revisionsOf(map).filter(([, w]) => w > 0).map(([rev, w]) => {
    const part = svg('rect', { x, y: 0, width: (w / 100) * width, height: 10,
      class: String(rev) === String(newRevision) ? 'seg new' : 'seg stable' }, svg('title', {}, `rev ${rev} ${w}%`));
    x += (w / 100) * width;
    return part;
  });
  return svg('svg', { class: 'bar', viewBox: `0 0 ${width} 10`, width, height: 10, role: 'img' },
    svg('rect', { x: 0, y: 0, width, height: 10, class: 'track' }), parts);
}

function replicaSets(s, newRevision) {
  const sets = s.replicaSets || [];
  if (sets.length === 0) {
    return h('p', { class: 'muted' }, 'no replica');
  }
  return sets.map((set) => {
    const isNew = String(set.revision) === String(newRevision);
    const squares = set.replicas.map((r) => h('span', { class: `replica ${r.health}`, title: `${r.name} ${r.health}`,
      'data-health': r.health }));
    for (let i = set.replicas.length; i < set.desired; i++) {
      squares.push(h('span', { class: 'replica missing', title: 'not started yet', 'data-health': 'missing' }));
    }
    const image = (s.images || {})[String(set.revision)] || '';
    return h('div', { class: 'replica-set', 'data-revision': set.revision },
      h('span', { class: 'rev' }, `rev ${set.revision}`,
        h('span', { class: `tag ${isNew ? 'new' : 'stable'}` }, newRevision === null ? 'serving' : isNew ? 'new' : 'stable')),
      h('span', { class: 'squares' }, squares),
      h('span', { class: 'image', title: image }, shortImage(image)),
      h('span', { class: 'muted' }, `${set.weight}% set`));
  });
}

function shortImage(ref) {
  const at = ref.indexOf('@sha256:');
  return at >= 0 ? `${ref.slice(0, at)}@${ref.slice(at + 8, at + 20)}` : ref;
}

/** Autoscaling figures, shown as the runner gives them (any field it adds appears). */
function autoscale(figures) {
  return h('dl', { class: 'autoscale' }, h('dt', {}, 'autoscale'),
    Object.entries(figures).map(([k, v]) => h('dd', {}, `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`)));
}
