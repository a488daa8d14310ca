/*
 * ModelOps health page: polls the JSON endpoint named by #modelops-health's data-endpoint (docs/health-json.md) and
 * draws it. Every string from the data goes in through textContent, never innerHTML, and nothing here needs an
 * inline script or style (Jenkins' Content-Security-Policy). Polling pauses while the tab is hidden.
 */
(function () {
  'use strict';

  var root = document.getElementById('modelops-health');
  if (!root) {
    return;
  }
  var endpoint = root.getAttribute('data-endpoint') || 'api/health';
  var pollMs = Number(root.getAttribute('data-poll-ms')) || 3000;
  var RANGES = ['5m', '15m', '1h', '6h', '24h'];
  var range = '15m';
  var timer = null;
  var charts = {}; // "model\u0000version\u0000signal" -> ECharts instance
  var sections = {}; // "model\u0000version" -> section element
  var lastSnapshot = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  /** Text folded under a summary the keyboard reaches; {@code key} keeps it open (and focused) across polls. */
  function folded(title, tag, text, key) {
    var details = el('details');
    details.dataset.key = key;
    details.appendChild(el('summary', null, title));
    details.appendChild(el(tag, null, text));
    return details;
  }

  function promql(query, key) {
    return folded('PromQL', 'code', query, key);
  }

  /** Rebuilds a part of the page, keeping the disclosures that were open, and the focus, where they were. */
  function keepOpen(container, rebuild) {
    var open = {};
    Array.prototype.forEach.call(container.querySelectorAll('details[open]'), function (d) {
      open[d.dataset.key] = true;
    });
    var active = document.activeElement;
    var focused = active && container.contains(active) && active.parentNode ? active.parentNode.dataset.key : null;
    rebuild();
    Array.prototype.forEach.call(container.querySelectorAll('details'), function (d) {
      d.open = open[d.dataset.key] === true;
      if (focused && d.dataset.key === focused) {
        d.firstChild.focus();
      }
    });
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  // ---- layout that stays: header, banner, mailbox, gates without a model, models ----
  clear(root);
  var header = el('header', 'mo-header');
  header.appendChild(el('h1', null, 'Model health'));
  var controls = el('div', 'mo-controls');
  var rangeLabel = el('label', null, 'Range ');
  var rangeSelect = el('select');
  rangeSelect.id = 'mo-range';
  RANGES.forEach(function (r) {
    var option = el('option', null, 'last ' + r);
    option.value = r;
    option.selected = r === range;
    rangeSelect.appendChild(option);
  });
  rangeLabel.appendChild(rangeSelect);
  controls.appendChild(rangeLabel);
  var updated = el('span', 'mo-updated', 'loading…');
  updated.setAttribute('aria-live', 'polite');
  controls.appendChild(updated);
  var source = el('span', 'mo-source');
  controls.appendChild(source);
  header.appendChild(controls);
  root.appendChild(header);

  var banner = el('div', 'mo-banner');
  banner.setAttribute('role', 'alert');
  banner.hidden = true;
  root.appendChild(banner);
  var mailbox = el('section', 'mo-mailbox');
  mailbox.hidden = true;
  root.appendChild(mailbox);
  var gatesAlone = el('section', 'mo-gates');
  gatesAlone.hidden = true;
  root.appendChild(gatesAlone);
  var modelsBox = el('div', 'mo-models');
  root.appendChild(modelsBox);

  rangeSelect.addEventListener('change', function () {
    range = rangeSelect.value;
    poll();
  });

  // ---- formatting ----
  function number(value, digits) {
    return Number(value).toLocaleString('en-US', {maximumFractionDigits: digits, minimumFractionDigits: 0});
  }

  function format(value, unit) {
    if (value === null || value === undefined || value === '' || isNaN(Number(value))) {
      return 'no data';
    }
    var v = Number(value);
    switch (unit) {
      case 'ratio':
        return number(v * 100, 2) + ' %';
      case 'seconds':
        return v < 1 ? number(v * 1000, 1) + ' ms' : number(v, 3) + ' s';
      case 'perSecond':
        return number(v, 2) + ' req/s';
      case 'bytes':
        return number(v / 1048576, 1) + ' MiB';
      default:
        return number(v, 4);
    }
  }

  /** An axis label: three significant digits, so close ticks stay apart (0.12ms, 0.15ms). */
  function axisFormat(value, unit) {
    var scaled = unit === 'ratio' ? value * 100 : unit === 'seconds' ? value * 1000
      : unit === 'bytes' ? value / 1048576 : value;
    var text = Number(scaled).toLocaleString('en-US', {maximumSignificantDigits: 3});
    return text + ({ratio: '%', seconds: 'ms', bytes: 'MiB'}[unit] || '');
  }

  function time(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleTimeString('en-GB');
  }

  // ---- banner ----
  function showProblems(headline, problems) {
    clear(banner);
    if (!headline && problems.length === 0) {
      banner.hidden = true;
      return;
    }
    banner.appendChild(el('div', null, headline || 'Some figures cannot be read'));
    if (problems.length > 0) {
      var list = el('ul');
      problems.forEach(function (p) {
        list.appendChild(el('li', null, p));
      });
      banner.appendChild(list);
    }
    banner.hidden = false;
  }

  // ---- a model ----
  function modelKey(model) {
    return model.name + '\u0000' + model.version;
  }

  function section(model) {
    var key = modelKey(model);
    var box = sections[key];
    if (box) {
      return box;
    }
    box = el('section', 'mo-model');
    box.dataset.model = model.name;
    box.dataset.version = model.version;
    var head = el('div', 'mo-model-head');
    var title = el('h2', 'mo-model-name', model.name);
    head.appendChild(title);
    head.appendChild(el('span', 'mo-badge mo-version', model.version ? 'version ' + model.version : 'no version'));
    var status = el('span', 'mo-badge mo-status');
    head.appendChild(status);
    head.appendChild(el('span', 'mo-cause'));
    box.appendChild(head);
    box.appendChild(el('dl', 'mo-provenance'));
    box.appendChild(el('div', 'mo-model-card'));
    box.appendChild(el('div', 'mo-cards'));
    box.appendChild(el('div', 'mo-charts'));
    box.appendChild(el('h3', null, 'Alerts'));
    box.appendChild(el('ul', 'mo-alerts'));
    box.appendChild(el('div', 'mo-model-gates'));
    modelsBox.appendChild(box);
    sections[key] = box;
    return box;
  }

  function renderModel(model, snapshot) {
    var box = section(model);
    var state = (model.status && model.status.state) || 'unknown';
    var status = box.querySelector('.mo-status');
    status.className = 'mo-badge mo-status mo-status-' + state.replace(/[^a-z_]/g, '');
    status.textContent = model.status && model.status.reported ? state.replace('_', ' ')
      : 'status not reported';
    status.dataset.state = state;
    box.querySelector('.mo-cause').textContent = (model.status && model.status.cause) || '';

    var provenance = box.querySelector('.mo-provenance');
    clear(provenance);
    var p = model.provenance || {};
    [['Model id', p.modelId], ['Version', model.version], ['Task', model.task], ['Algorithm', p.algorithm],
      ['Kernel', p.kernel], ['Track', p.track], ['Data hash', p.dataHash], ['Image digest', p.imageDigest],
      ['Revision', p.revision], ['Instances', (model.instances || []).join(', ')]].forEach(function (row) {
      if (row[1]) {
        provenance.appendChild(el('dt', null, row[0]));
        provenance.appendChild(el('dd', null, row[1]));
      }
    });

    var cards = box.querySelector('.mo-cards');
    keepOpen(cards, function () {
      renderCards(cards, model.cards || []);
    });

    var modelCard = box.querySelector('.mo-model-card');
    keepOpen(modelCard, function () {
      clear(modelCard);
      if (model.card) {
        modelCard.appendChild(folded('Model card', 'pre', model.card, 'model-card'));
      }
    });

    var chartsBox = box.querySelector('.mo-charts');
    (model.charts || []).forEach(function (chart) {
      renderChart(chartsBox, model, chart);
    });

    var alerts = box.querySelector('.mo-alerts');
    clear(alerts);
    if (snapshot.source.kind === 'scrape') {
      alerts.appendChild(el('li', 'mo-empty', 'Alerts need Prometheus: the embedded scrape evaluates no rules.'));
    } else if (!model.alerts || model.alerts.length === 0) {
      alerts.appendChild(el('li', 'mo-empty', 'No alert pending or firing.'));
    } else {
      model.alerts.forEach(function (a) {
        var item = el('li', a.state === 'firing' ? 'mo-alert-firing' : null,
          a.name + ' (' + a.state + (a.severity ? ', ' + a.severity : '') + ')'
          + (a.summary ? ': ' + a.summary : '') + (a.activeAt ? ' since ' + time(a.activeAt) : ''));
        item.dataset.alert = a.name;
        alerts.appendChild(item);
      });
    }

    var gates = box.querySelector('.mo-model-gates');
    keepOpen(gates, function () {
      clear(gates);
      (snapshot.gates || []).filter(function (g) {
        return g.model === model.name;
      }).forEach(function (g) {
        gates.appendChild(gate(g));
      });
    });
  }

  function renderCards(cards, list) {
    clear(cards);
    list.forEach(function (card) {
      var c = el('div', 'mo-card');
      c.dataset.signal = card.signal;
      c.appendChild(el('div', 'mo-card-label', card.label));
      var value = el('div', 'mo-card-value', format(card.value, card.unit));
      value.dataset.value = card.value === null || card.value === undefined ? '' : String(card.value);
      c.appendChild(value);
      if (card.query) {
        c.appendChild(promql(card.query, 'card:' + card.signal));
      }
      cards.appendChild(c);
    });
  }

  function renderChart(box, model, chart) {
    var key = modelKey(model) + '\u0000' + chart.signal;
    var instance = charts[key];
    if (!instance) {
      var div = el('div', 'mo-chart');
      div.dataset.signal = chart.signal;
      div.setAttribute('role', 'img');
      div.setAttribute('aria-label', chart.label + ' over the last ' + range);
      box.appendChild(div);
      instance = window.echarts.init(div, null, {renderer: 'canvas'});
      charts[key] = instance;
    }
    var data = (chart.points || []).map(function (p) {
      return [p.t * 1000, p.v];
    });
    var known = data.filter(function (p) {
      return p[1] !== null;
    });
    var dom = instance.getDom();
    dom.dataset.points = String(known.length);
    dom.dataset.last = known.length ? String(known[known.length - 1][1]) : '';
    dom.setAttribute('aria-label', chart.label + ' over the last ' + range + ': '
      + (known.length ? 'latest ' + format(known[known.length - 1][1], chart.unit) : 'no data'));
    instance.setOption({
      animation: false,
      title: {text: chart.label, subtext: known.length ? '' : 'no data in this range', left: 8, top: 4,
        textStyle: {fontSize: 13, color: '#1b1f24'}, subtextStyle: {color: '#4a535e'}},
      grid: {left: 60, right: 14, top: 32, bottom: 26},
      tooltip: {trigger: 'axis', valueFormatter: function (v) {
        return format(v, chart.unit);
      }},
      xAxis: {type: 'time', axisLabel: {color: '#4a535e', hideOverlap: true}},
      yAxis: {type: 'value', scale: chart.unit !== 'ratio', axisLabel: {color: '#4a535e', formatter: function (v) {
        return axisFormat(v, chart.unit);
      }}},
      series: [{name: chart.label, type: 'line', showSymbol: known.length < 3, connectNulls: false,
        lineStyle: {width: 2, color: '#0b5cad'}, itemStyle: {color: '#0b5cad'}, data: data}]
    }, {notMerge: true});
  }

  // ---- gate timeline ----
  function gate(g) {
    var box = el('div', 'mo-gate');
    box.dataset.gate = g.name;
    var state = g.state;
    var heading = el('h3', null, 'Gate ' + g.name + ': ');
    var verdict = el('span', 'mo-decision mo-verdict', state ? (state.verdict || 'running') : 'no state');
    if (state && state.verdict) {
      verdict.className += ' mo-decision-' + state.verdict;
    }
    heading.appendChild(verdict);
    box.appendChild(heading);
    if (g.problem) {
      box.appendChild(el('p', 'mo-empty', g.file + ': ' + g.problem));
      return box;
    }
    if (state.reason) {
      box.appendChild(el('p', 'mo-gate-reason', state.reason));
    }
    var table = el('table');
    var head = el('tr');
    ['Round', 'At', 'Condition', 'Value', 'Threshold', 'Samples', 'Decision', 'Why and PromQL'].forEach(function (h) {
      var th = el('th', null, h);
      th.scope = 'col';
      head.appendChild(th);
    });
    var thead = el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el('tbody');
    (state.rounds || []).forEach(function (round) {
      (round.measurements || []).forEach(function (m, i) {
        var row = el('tr', 'mo-measurement');
        row.dataset.round = String(round.index);
        var unit = unitOf(m.signal);
        row.appendChild(el('td', null, round.index));
        row.appendChild(el('td', null, time(m.at || round.at)));
        row.appendChild(el('td', 'mo-condition', m.condition));
        row.appendChild(el('td', 'mo-value', m.value === undefined || m.value === null ? 'no data'
          : format(m.value, unit)));
        row.appendChild(el('td', 'mo-threshold', m.threshold === undefined || m.threshold === null ? ''
          : format(m.threshold, unit)));
        row.appendChild(el('td', null, m.samples));
        var decision = el('td', 'mo-decision mo-decision-' + String(m.decision).replace(/[^A-Z]/g, ''), m.decision);
        row.appendChild(decision);
        var why = el('td');
        if (m.reason) {
          why.appendChild(el('div', 'mo-reason', m.reason));
        }
        if (m.query) {
          why.appendChild(promql(m.query, 'gate:' + g.name + ':' + round.index + ':' + i));
        }
        row.appendChild(why);
        body.appendChild(row);
      });
    });
    table.appendChild(body);
    box.appendChild(table);
    return box;
  }

  function unitOf(signal) {
    if (signal === 'accuracy' || signal === 'errorRate') {
      return 'ratio';
    }
    if (signal && signal.indexOf('latency') === 0) {
      return 'seconds';
    }
    return signal === 'requestRate' ? 'perSecond' : 'label';
  }

  // ---- mailbox ----
  function renderMailbox(messages) {
    clear(mailbox);
    mailbox.hidden = messages.length === 0;
    if (messages.length === 0) {
      return;
    }
    mailbox.appendChild(el('h3', null, 'Mailbox (' + messages.length + ')'));
    messages.forEach(function (m) {
      var mail = el('article', 'mo-mail');
      mail.appendChild(el('strong', 'mo-mail-subject', m.subject));
      mail.appendChild(el('div', 'mo-empty', (m.from || '') + ' → ' + (m.to || '') + ', ' + time(m.receivedAt)));
      mail.appendChild(el('pre', null, m.text));
      mailbox.appendChild(mail);
    });
  }

  // ---- the poll ----
  function render(snapshot) {
    lastSnapshot = snapshot;
    modelsBox.classList.remove('mo-stale');
    source.textContent = 'from ' + snapshot.source.description;
    updated.textContent = 'updated ' + time(snapshot.generatedAt);
    var problems = snapshot.problems || [];
    showProblems(snapshot.source.reachable ? (problems.length ? 'Some figures cannot be read' : null)
      : 'Cannot reach ' + snapshot.source.description + ': the figures below are the last ones read', problems);
    if (!snapshot.source.reachable) {
      modelsBox.classList.add('mo-stale');
      return; // keep the last figures on screen, marked stale
    }
    var seen = {};
    (snapshot.models || []).forEach(function (model) {
      seen[modelKey(model)] = true;
      renderModel(model, snapshot);
    });
    Object.keys(sections).forEach(function (key) {
      if (!seen[key]) {
        Object.keys(charts).filter(function (c) {
          return c.indexOf(key + '\u0000') === 0;
        }).forEach(function (c) {
          charts[c].dispose();
          delete charts[c];
        });
        modelsBox.removeChild(sections[key]);
        delete sections[key];
      }
    });
    var empty = modelsBox.querySelector('.mo-no-models');
    if ((snapshot.models || []).length === 0 && !empty) {
      modelsBox.appendChild(el('p', 'mo-empty mo-no-models', 'No model found: no modelops_model_info series yet.'));
    } else if ((snapshot.models || []).length > 0 && empty) {
      modelsBox.removeChild(empty);
    }
    var names = (snapshot.models || []).map(function (m) {
      return m.name;
    });
    var alone = (snapshot.gates || []).filter(function (g) {
      return names.indexOf(g.model) < 0;
    });
    gatesAlone.hidden = alone.length === 0;
    keepOpen(gatesAlone, function () {
      clear(gatesAlone);
      alone.forEach(function (g) {
        gatesAlone.appendChild(gate(g));
      });
    });
    renderMailbox(snapshot.mailbox || []);
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = document.hidden ? null : window.setTimeout(poll, pollMs);
  }

  function poll() {
    window.clearTimeout(timer);
    var url = endpoint + (endpoint.indexOf('?') < 0 ? '?' : '&') + 'range=' + encodeURIComponent(range);
    fetch(url, {cache: 'no-store', credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error('it answered HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (snapshot) {
        render(snapshot);
        root.dataset.polls = String(Number(root.dataset.polls || 0) + 1);
      })
      .catch(function (error) {
        modelsBox.classList.add('mo-stale');
        showProblems('The health endpoint does not answer (' + error.message + ')'
          + (lastSnapshot ? ': the figures below are the last ones read' : ''), []);
      })
      .then(schedule);
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
      updated.textContent = 'paused while the tab is hidden';
    } else {
      poll();
    }
  });
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (c) {
      charts[c].resize();
    });
  });
  poll();
}());
