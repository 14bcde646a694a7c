/*
 * Keeps the Release view current while the release runs: re-reads the action's api/json every two seconds
 * and redraws the fields and lists of #slipway-release. Text goes in through textContent only, so nothing the
 * runner or a Compose file says can become markup. Stops when the release has ended.
 */
(function () {
  const TREE = "phase,message,finished,step,stepCount,setWeight,actualWeight,"
    + "steps[number,description,state],weights[service,revisions[revision,percent,actual]],"
    + "analysis[metric,index,count,verdict,figures[name,value,threshold]]";
  const EVERY_MS = 2000;
  const AFTER_ERROR_MS = 10000;

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function field(root, name, text) {
    const el = root.querySelector('[data-field="' + name + '"]');
    if (el) {
      el.textContent = text;
    }
  }

  function list(root, name, items, draw) {
    const el = root.querySelector('[data-list="' + name + '"]');
    if (!el) {
      return;
    }
    el.replaceChildren();
    items.forEach(function (item) {
      draw(el, item);
    });
  }

  function redraw(root, release) {
    field(root, "phase", release.phase);
    field(root, "message", release.message || "");
    field(root, "step", release.step + " / " + release.stepCount);
    field(root, "setWeight", release.setWeight >= 0 ? release.setWeight + "%" : "");
    field(root, "actualWeight", release.actualWeight >= 0 ? release.actualWeight + "%" : "");
    list(root, "steps", release.steps || [], function (ol, s) {
      const li = document.createElement("li");
      li.className = "slipway-step slipway-step-" + s.state;
      const description = document.createElement("span");
      description.textContent = s.description;
      const state = document.createElement("em");
      state.textContent = s.state;
      li.append(description, " ", state);
      ol.appendChild(li);
    });
    list(root, "weights", release.weights || [], function (table, w) {
      (w.revisions || []).forEach(function (r) {
        const row = document.createElement("tr");
        cell(row, w.service);
        cell(row, "revision " + r.revision);
        cell(row, "set " + r.percent + "%");
        cell(row, r.actual >= 0 ? "actual " + r.actual + "%" : "");
        table.appendChild(row);
      });
    });
    list(root, "analysis", release.analysis || [], function (table, m) {
      const row = document.createElement("tr");
      cell(row, m.metric);
      cell(row, m.count > 0 ? m.index + "/" + m.count : String(m.index));
      cell(row, m.verdict || "");
      const figures = cell(row, "");
      (m.figures || []).forEach(function (f) {
        const span = document.createElement("span");
        span.className = "slipway-figure";
        span.textContent = f.name + " " + f.value + (f.threshold != null ? " (threshold " + f.threshold + ")" : "");
        figures.appendChild(span);
      });
      table.appendChild(row);
    });
  }

  function poll(root) {
    fetch(root.dataset.api + "?tree=" + encodeURIComponent(TREE), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (release) {
        redraw(root, release);
        if (!release.finished) {
          setTimeout(poll, EVERY_MS, root);
        }
      })
      .catch(function () {
        setTimeout(poll, AFTER_ERROR_MS, root);
      });
  }

  function start() {
    const root = document.getElementById("slipway-release");
    if (root && root.dataset.finished !== "true") {
      setTimeout(poll, EVERY_MS, root);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
