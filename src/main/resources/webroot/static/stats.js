/*
 * The statistics page: calls per minute / hour / day (success vs failure) and latency p50/p95 as
 * uPlot charts, totals with tokens, per model and per key tables, keys needing attention, pool
 * capacity; token usage and estimated cost per day, client token, model and key (/api/usage, from
 * the usage roll-ups). Every figure is aggregated by the server; charts get one point per bucket.
 */
GB.page('stats', {
  en: {
    'stats.range1h': '1 hour',
    'stats.range24h': '24 hours',
    'stats.range7d': '7 days',
    'stats.range30d': '30 days',
    'stats.refresh': 'Refresh',
    'stats.recent': 'Recent calls',
    'stats.calls': 'Calls',
    'stats.success': 'Success',
    'stats.failure': 'Failure',
    'stats.failureRate': '{pct} failed',
    'stats.p50': 'Latency p50',
    'stats.p95': 'Latency p95',
    'stats.ms': '{n} ms',
    'stats.tokens': 'Tokens (prompt / completion)',
    'stats.tokensNote': 'where the gateway reads usage',
    'stats.callsChart': 'Calls',
    'stats.latencyChart': 'Latency of successful calls',
    'stats.perModel': 'Per model',
    'stats.perKey': 'Busiest keys',
    'stats.model': 'Model',
    'stats.key': 'Key',
    'stats.prompt': 'Prompt tokens',
    'stats.completion': 'Completion tokens',
    'stats.usage': 'Usage',
    'stats.attention': 'Keys needing attention (24 h)',
    'stats.limit': 'Show',
    'stats.count': 'Count',
    'stats.capacity': 'Pool capacity',
    'stats.capacityNote': 'Daily quotas reset at {time} (midnight Pacific time).',
    'stats.keys': 'Keys',
    'stats.usable': 'Usable',
    'stats.cooling': 'Cooling',
    'stats.parked': 'Parked',
    'stats.disabled': 'Disabled',
    'stats.remaining': 'Left today',
    'stats.unlimited': 'unlimited',
    'stats.lastHour': 'Calls, last hour',
    'stats.exhaustion': 'Runs out at this rate',
    'stats.lastsDay': 'lasts until the reset',
    'stats.empty': 'No calls in this range',
    'stats.keyUsageTitle': 'Key {key}: last 24 hours',
    'stats.recentTitle': 'Calls of the last hour (newest first)',
    'stats.time': 'Time',
    'stats.status': 'Status',
    'stats.latency': 'Latency',
    'stats.viewError': 'Error',
    'stats.noError': 'No error log found for this call',
    'stats.errorTitle': 'Error of this call',
    'stats.chartsUnavailable': 'The chart library could not be loaded',
    'usage.title': 'Token usage',
    'usage.range90d': '90 days',
    'usage.note': 'From the usage roll-ups (UTC days); cost estimated with MODEL_PRICES, USD.',
    'usage.perDay': 'Tokens per day',
    'usage.perToken': 'By client token',
    'usage.perModel': 'By model',
    'usage.perKey': 'By key',
    'usage.day': 'Day (UTC)',
    'usage.token': 'Client token',
    'usage.noToken': '(no token)',
    'usage.requests': 'Requests',
    'usage.prompt': 'Prompt',
    'usage.cached': 'Cached',
    'usage.output': 'Output',
    'usage.thinking': 'Thinking',
    'usage.total': 'Total tokens',
    'usage.cost': 'Cost (USD)',
    'usage.noPrice': 'no price',
    'usage.unpriced': '{n} tokens without a price'
  },
  zh: {
    'stats.range1h': '1 小时',
    'stats.range24h': '24 小时',
    'stats.range7d': '7 天',
    'stats.range30d': '30 天',
    'stats.refresh': '刷新',
    'stats.recent': '最近调用',
    'stats.calls': '调用次数',
    'stats.success': '成功',
    'stats.failure': '失败',
    'stats.failureRate': '失败率 {pct}',
    'stats.p50': '延迟 p50',
    'stats.p95': '延迟 p95',
    'stats.ms': '{n} ms',
    'stats.tokens': 'Token（输入 / 输出）',
    'stats.tokensNote': '仅统计网关读取到用量的调用',
    'stats.callsChart': '调用趋势',
    'stats.latencyChart': '成功调用的延迟',
    'stats.perModel': '按模型',
    'stats.perKey': '调用最多的密钥',
    'stats.model': '模型',
    'stats.key': '密钥',
    'stats.prompt': '输入 Token',
    'stats.completion': '输出 Token',
    'stats.usage': '用量',
    'stats.attention': '值得注意的密钥（24 小时）',
    'stats.limit': '显示',
    'stats.count': '次数',
    'stats.capacity': '密钥池容量',
    'stats.capacityNote': '每日配额在 {time}（太平洋时间午夜）重置。',
    'stats.keys': '密钥数',
    'stats.usable': '可用',
    'stats.cooling': '冷却中',
    'stats.parked': '暂停至重置',
    'stats.disabled': '已禁用',
    'stats.remaining': '今日剩余',
    'stats.unlimited': '无限制',
    'stats.lastHour': '最近 1 小时调用',
    'stats.exhaustion': '按当前速率耗尽于',
    'stats.lastsDay': '可撑到重置',
    'stats.empty': '此时间范围内没有调用',
    'stats.keyUsageTitle': '密钥 {key}：最近 24 小时',
    'stats.recentTitle': '最近 1 小时的调用（最新在前）',
    'stats.time': '时间',
    'stats.status': '状态',
    'stats.latency': '延迟',
    'stats.viewError': '错误',
    'stats.noError': '未找到此调用的错误日志',
    'stats.errorTitle': '此调用的错误',
    'stats.chartsUnavailable': '图表库加载失败',
    'usage.title': '令牌用量',
    'usage.range90d': '90 天',
    'usage.note': '来自用量汇总（按 UTC 日）；费用按 MODEL_PRICES 估算，单位美元。',
    'usage.perDay': '每日令牌',
    'usage.perToken': '按客户端令牌',
    'usage.perModel': '按模型',
    'usage.perKey': '按密钥',
    'usage.day': '日期（UTC）',
    'usage.token': '客户端令牌',
    'usage.noToken': '（无令牌）',
    'usage.requests': '请求数',
    'usage.prompt': '输入',
    'usage.cached': '缓存',
    'usage.output': '输出',
    'usage.thinking': '思考',
    'usage.total': '令牌总数',
    'usage.cost': '费用（美元）',
    'usage.noPrice': '无价格',
    'usage.unpriced': '{n} 个令牌无价格'
  }
}, function () {
  'use strict';
  var state = { range: '24h', attentionCode: 429, overview: null, attention: null, capacity: null,
    usagePeriod: '30d', usage: null };
  var charts = [];
  var uplotReady = loadUplot();

  /** uPlot ships in the jar (webjar, see the README); loaded here so that only this page pays for it. */
  function loadUplot() {
    document.head.appendChild(GB.el('link', { rel: 'stylesheet', href: '/static/vendor/uplot/dist/uPlot.min.css' }));
    return new Promise(function (resolve, reject) {
      var script = GB.el('script', { src: '/static/vendor/uplot/dist/uPlot.iife.min.js' });
      script.addEventListener('load', function () { resolve(window.uPlot); });
      script.addEventListener('error', function () { reject(new Error(GB.t('stats.chartsUnavailable'))); });
      document.head.appendChild(script);
    });
  }

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
  }

  function ms(n) { return n == null ? '–' : GB.t('stats.ms', { n: GB.fmtNum(n) }); }

  function pct(part, whole) { return whole ? (Math.round(part * 1000 / whole) / 10) + '%' : '0%'; }

  function card(label, value, sub) {
    return GB.el('div', { class: 'card' }, GB.el('div', { class: 'stat-label', text: label }),
      GB.el('div', { class: 'stat-value', text: value }), sub ? GB.el('div', { class: 'stat-sub', text: sub }) : null);
  }

  function table(headers, rows) {
    if (!rows.length) { return GB.el('p', { class: 'empty', text: GB.t('stats.empty') }); }
    return GB.el('table', { class: 'grid' },
      GB.el('thead', null, GB.el('tr', null, headers.map(function (h) {
        return GB.el('th', { class: h.num ? 'num' : null, text: GB.t(h.key) });
      }))),
      GB.el('tbody', null, rows));
  }

  function td(value, opts) {
    var o = opts || {};
    return GB.el('td', { class: [o.num ? 'num' : '', o.mono ? 'mono' : '', o.nowrap ? 'nowrap' : ''].join(' ').trim() || null },
      value);
  }

  // ---- data ----

  // The server computes one overview at a time and refuses another range meanwhile (503): a range
  // chosen while one loads is asked for when that one is done, and only the latest is shown.
  var overviewLoading = null;
  var overviewAgain = false;

  function loadOverview() {
    if (overviewLoading) {
      overviewAgain = true;
      return overviewLoading;
    }
    var range = state.range;
    overviewLoading = GB.api('GET', '/api/stats/overview' + GB.qs({ range: range })).then(function (data) {
      if (range === state.range) {
        state.overview = data;
        renderOverview();
      }
    }, function (err) {
      if (range === state.range) { GB.toast(err.message, 'error'); }
    }).then(function () {
      overviewLoading = null;
      if (overviewAgain) {
        overviewAgain = false;
        return loadOverview();
      }
    });
    return overviewLoading;
  }

  function loadAttention() {
    var limit = parseInt(GB.$('#attention-limit').value, 10) || 20;
    return GB.api('GET', '/api/stats/attention-keys' + GB.qs({ status_code: state.attentionCode, limit: limit }))
      .then(function (rows) {
        GB.$('#attention-limit').classList.remove('invalid');
        state.attention = rows;
        renderAttention();
      }, function (err) {
        if (err.field === 'limit') { GB.$('#attention-limit').classList.add('invalid'); }
        GB.toast(err.message, 'error');
      });
  }

  function loadCapacity() {
    return GB.api('GET', '/api/stats/capacity').then(function (data) {
      state.capacity = data;
      renderCapacity();
    }, function (err) { GB.toast(err.message, 'error'); });
  }

  function loadUsage() {
    var period = state.usagePeriod;
    return GB.api('GET', '/api/usage' + GB.qs({ period: period, granularity: 'day' })).then(function (data) {
      if (period === state.usagePeriod) {
        state.usage = data;
        renderUsage();
      }
    }, function (err) { GB.toast(err.message, 'error'); });
  }

  function loadAll() {
    return Promise.all([loadOverview(), loadAttention(), loadCapacity(), loadUsage()]);
  }

  // ---- rendering ----

  function renderOverview() {
    var o = state.overview;
    if (!o) { return; }
    var t = o.totals;
    GB.fill(GB.$('#totals'),
      card(GB.t('stats.calls'), GB.fmtNum(t.total), GB.t('stats.failureRate', { pct: pct(t.failure, t.total) })),
      card(GB.t('stats.success') + ' / ' + GB.t('stats.failure'), GB.fmtNum(t.success) + ' / ' + GB.fmtNum(t.failure)),
      card(GB.t('stats.p50') + ' / p95', ms(t.latency_p50_ms) + ' / ' + ms(t.latency_p95_ms)),
      card(GB.t('stats.tokens'), GB.fmtNum(t.prompt_tokens) + ' / ' + GB.fmtNum(t.completion_tokens),
        GB.t('stats.tokensNote')));
    GB.fill(GB.$('#models'), table([
      { key: 'stats.model' }, { key: 'stats.calls', num: true }, { key: 'stats.success', num: true },
      { key: 'stats.failure', num: true }, { key: 'stats.p50', num: true }, { key: 'stats.p95', num: true },
      { key: 'stats.prompt', num: true }, { key: 'stats.completion', num: true }
    ], o.models.map(function (m) {
      return GB.el('tr', null, td(m.model || '', { mono: true }), td(GB.fmtNum(m.total), { num: true }),
        td(GB.fmtNum(m.success), { num: true }), td(GB.fmtNum(m.failure), { num: true }),
        td(ms(m.latency_p50_ms), { num: true, nowrap: true }), td(ms(m.latency_p95_ms), { num: true, nowrap: true }),
        td(GB.fmtNum(m.prompt_tokens), { num: true }), td(GB.fmtNum(m.completion_tokens), { num: true }));
    })));
    GB.fill(GB.$('#keys'), table([
      { key: 'stats.key' }, { key: 'stats.calls', num: true }, { key: 'stats.success', num: true },
      { key: 'stats.failure', num: true }, { key: 'stats.usage' }
    ], o.keys.map(function (k) {
      return GB.el('tr', null, td(k.key, { mono: true, nowrap: true }), td(GB.fmtNum(k.total), { num: true }),
        td(GB.fmtNum(k.success), { num: true }), td(GB.fmtNum(k.failure), { num: true }),
        td(GB.el('button', { type: 'button', class: 'btn btn-small', text: GB.t('stats.usage'),
          onclick: function () { keyUsage(k); } })));
    })));
    drawCharts();
  }

  function drawCharts() {
    uplotReady.then(function (uPlot) {
      var o = state.overview;
      charts.forEach(function (c) { c.destroy(); });
      charts = [];
      var xs = o.buckets.map(function (b) { return b.t; });
      var okColor = css('--ok');
      var badColor = css('--danger');
      var primary = css('--primary');
      var warn = css('--warn');
      var axisColor = css('--muted');
      var grid = { stroke: css('--border'), width: 1 };
      var axes = [{ stroke: axisColor, grid: grid, ticks: grid, values: timeLabels },
        { stroke: axisColor, grid: grid, ticks: grid, size: 60 }];
      var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined;
      charts.push(chart(uPlot, GB.$('#calls-chart'), [xs,
        o.buckets.map(function (b) { return b.success; }),
        o.buckets.map(function (b) { return b.failure; })], [
        { label: GB.t('stats.time') },
        { label: GB.t('stats.success'), stroke: okColor, fill: okColor + '55', paths: bars },
        { label: GB.t('stats.failure'), stroke: badColor, fill: badColor + '55', paths: bars }
      ], axes));
      charts.push(chart(uPlot, GB.$('#latency-chart'), [xs,
        o.buckets.map(function (b) { return b.latency_p50_ms; }),
        o.buckets.map(function (b) { return b.latency_p95_ms; })], [
        { label: GB.t('stats.time') },
        { label: 'p50 (ms)', stroke: primary, width: 2, spanGaps: true, points: { show: true, size: 4 } },
        { label: 'p95 (ms)', stroke: warn, width: 2, spanGaps: true, points: { show: true, size: 4 } }
      ], axes));
    }, function (err) {
      GB.fill(GB.$('#calls-chart'), GB.el('p', { class: 'field-error', text: err.message }));
    });
  }

  function two(n) { return n < 10 ? '0' + n : String(n); }

  /** 24-hour times for the hour and day ranges, month-day for longer ones: the same in both languages. */
  function timeLabels(u, splits) {
    var short = state.range === '1h' || state.range === '24h';
    return splits.map(function (s) {
      var d = new Date(s * 1000);
      return short ? two(d.getHours()) + ':' + two(d.getMinutes())
        : two(d.getMonth() + 1) + '-' + two(d.getDate()) + (state.range === '7d' && d.getHours() ? ' ' + two(d.getHours()) + 'h' : '');
    });
  }

  function chart(uPlot, container, data, series, axes) {
    GB.fill(container);
    var width = Math.max(280, container.clientWidth || 600);
    return new uPlot({ width: width, height: 240, series: series, axes: axes, scales: { x: { time: true } },
      cursor: { drag: { x: false, y: false } } }, data, container);
  }

  function resize() {
    charts.forEach(function (c) {
      var width = Math.max(280, c.root.parentNode.clientWidth || 600);
      c.setSize({ width: width, height: 240 });
    });
  }

  function renderAttention() {
    GB.fill(GB.$('#attention'), table([
      { key: 'stats.key' }, { key: 'stats.count', num: true }, { key: 'stats.usage' }
    ], (state.attention || []).map(function (k) {
      return GB.el('tr', null, td(k.key, { mono: true, nowrap: true }),
        td(GB.el('span', { class: 'badge ' + (k.status_code === 429 ? 'warn' : 'bad'), text: GB.fmtNum(k.count) }), { num: true }),
        td(GB.el('button', { type: 'button', class: 'btn btn-small', text: GB.t('stats.usage'),
          onclick: function () { keyUsage(k); } })));
    })));
  }

  function amount(n) { return n < 0 ? GB.t('stats.unlimited') : GB.fmtNum(n); }

  function renderCapacity() {
    var c = state.capacity;
    if (!c) { return; }
    GB.$('#capacity-note').textContent = GB.t('stats.capacityNote', { time: GB.fmtTime(c.resets_at) });
    GB.fill(GB.$('#capacity'), table([
      { key: 'stats.model' }, { key: 'stats.keys', num: true }, { key: 'stats.usable', num: true },
      { key: 'stats.cooling', num: true }, { key: 'stats.parked', num: true }, { key: 'stats.disabled', num: true },
      { key: 'stats.remaining', num: true }, { key: 'stats.lastHour', num: true }, { key: 'stats.exhaustion' }
    ], c.models.map(function (m) {
      return GB.el('tr', null, td(m.model, { mono: true }), td(GB.fmtNum(m.keys), { num: true }),
        td(GB.el('span', { class: 'badge ok', text: GB.fmtNum(m.usable) }), { num: true }),
        td(GB.fmtNum(m.cooling), { num: true }), td(GB.fmtNum(m.parked), { num: true }),
        td(m.disabled ? GB.el('span', { class: 'badge bad', text: GB.fmtNum(m.disabled) }) : '0', { num: true }),
        td(amount(m.remaining_today), { num: true }), td(GB.fmtNum(m.calls_last_hour), { num: true }),
        td(m.exhausted_at ? GB.el('span', { class: 'badge warn', text: GB.fmtTime(m.exhausted_at) })
          : GB.el('span', { class: 'muted', text: GB.t('stats.lastsDay') }), { nowrap: true }));
    })));
  }

  // ---- dialogs ----

  function keyUsage(k) {
    Promise.all([
      GB.api('GET', '/api/key-usage-details/' + encodeURIComponent(k.key_fingerprint)),
      GB.api('GET', '/api/stats/details' + GB.qs({ period: '24h', key: k.key_fingerprint, limit: 50 }))
    ]).then(function (answers) {
      var perModel = answers[0];
      var models = Object.keys(perModel).sort(function (a, b) { return perModel[b] - perModel[a]; });
      var body = GB.el('div', null,
        table([{ key: 'stats.model' }, { key: 'stats.calls', num: true }], models.map(function (m) {
          return GB.el('tr', null, td(m, { mono: true }), td(GB.fmtNum(perModel[m]), { num: true }));
        })),
        GB.el('h3', { class: 'spaced', text: GB.t('stats.recentTitle') }),
        callTable(answers[1]));
      GB.modal(GB.t('stats.keyUsageTitle', { key: k.key }), body);
    }, function (err) { GB.toast(err.message, 'error'); });
  }

  function callTable(calls) {
    return GB.el('div', { class: 'table-wrap' }, table([
      { key: 'stats.time' }, { key: 'stats.key' }, { key: 'stats.model' }, { key: 'stats.status' },
      { key: 'stats.latency', num: true }, { key: 'stats.viewError' }
    ], calls.map(function (c) {
      return GB.el('tr', null, td(GB.fmtTime(c.timestamp), { nowrap: true }), td(c.key, { mono: true, nowrap: true }),
        td(c.model || '', { mono: true }),
        td(GB.el('span', { class: 'badge ' + (c.status === 'success' ? 'ok' : 'bad'), text: c.status_code == null ? '–' : c.status_code })),
        td(ms(c.latency_ms), { num: true, nowrap: true }),
        td(c.status === 'success' || !c.request_id ? '' : GB.el('button', { type: 'button', class: 'btn btn-small',
          text: GB.t('stats.viewError'), onclick: function () { callError(c); } })));
    })));
  }

  function callError(c) {
    GB.api('GET', '/api/logs/errors/lookup' + GB.qs({ request_id: c.request_id, status_code: c.status_code }))
      .then(function (d) {
        GB.modal(GB.t('stats.errorTitle'), GB.el('div', null,
          GB.el('p', { class: 'mono', text: [d.error_type, d.error_code, d.model_name].join(' · ') }),
          GB.el('pre', { text: d.error_log || '' })));
      }, function (err) { GB.toast(err.status === 404 ? GB.t('stats.noError') : err.message, 'error'); });
  }

  function recentCalls() {
    GB.api('GET', '/api/stats/details' + GB.qs({ period: '1h', limit: 200 })).then(function (calls) {
      GB.modal(GB.t('stats.recentTitle'), callTable(calls));
    }, function (err) { GB.toast(err.message, 'error'); });
  }

  function cost(row) {
    return row.cost_usd == null ? GB.t('usage.noPrice') : '$' + row.cost_usd.toFixed(4);
  }

  var USAGE_COLUMNS = [
    { key: 'usage.requests', num: true }, { key: 'usage.prompt', num: true }, { key: 'usage.cached', num: true },
    { key: 'usage.output', num: true }, { key: 'usage.thinking', num: true }, { key: 'usage.total', num: true },
    { key: 'usage.cost', num: true }
  ];

  function usageRow(label, row) {
    return GB.el('tr', null, label, td(GB.fmtNum(row.requests), { num: true }),
      td(GB.fmtNum(row.prompt_tokens), { num: true }), td(GB.fmtNum(row.cached_tokens), { num: true }),
      td(GB.fmtNum(row.output_tokens), { num: true }), td(GB.fmtNum(row.thinking_tokens), { num: true }),
      td(GB.fmtNum(row.total_tokens), { num: true }), td(cost(row), { num: true, nowrap: true }));
  }

  function usageTable(first, rows, label) {
    return table([{ key: first }].concat(USAGE_COLUMNS), rows.map(function (row) {
      return usageRow(label(row), row);
    }));
  }

  function tokenLabel(row) {
    if (!row.token) { return td(GB.t('usage.noToken'), { nowrap: true }); }
    return td(row.name ? row.name + ' (' + (row.masked || '') + ')' : (row.masked || row.token), { mono: !row.name, nowrap: true });
  }

  function renderUsage() {
    var u = state.usage;
    if (!u) { return; }
    var t = u.totals;
    GB.fill(GB.$('#usage-totals'),
      card(GB.t('usage.total'), GB.fmtNum(t.total_tokens), GB.t('usage.prompt') + ' ' + GB.fmtNum(t.prompt_tokens)
        + ' / ' + GB.t('usage.output') + ' ' + GB.fmtNum(t.output_tokens)),
      card(GB.t('usage.cost'), cost(t), t.unpriced_tokens ? GB.t('usage.unpriced', { n: GB.fmtNum(t.unpriced_tokens) }) : null),
      card(GB.t('usage.requests'), GB.fmtNum(t.requests)));
    GB.fill(GB.$('#usage-days'), usageTable('usage.day', u.series.slice().reverse(), function (row) {
      return td(row.start.substring(0, 10), { mono: true, nowrap: true });
    }));
    GB.fill(GB.$('#usage-tokens'), usageTable('usage.token', u.by_token, tokenLabel));
    GB.fill(GB.$('#usage-models'), usageTable('stats.model', u.by_model, function (row) {
      return td(row.model || '', { mono: true });
    }));
    GB.fill(GB.$('#usage-keys'), usageTable('stats.key', u.by_key, function (row) {
      return td(row.key_masked || '', { mono: true, nowrap: true });
    }));
  }

  // ---- controls ----

  function activate(tabs, button) {
    GB.$$('.tab', tabs).forEach(function (b) {
      b.classList.toggle('active', b === button);
      b.setAttribute('aria-selected', b === button ? 'true' : 'false');
    });
  }

  GB.$$('#range-tabs .tab').forEach(function (button) {
    button.addEventListener('click', function () {
      activate(GB.$('#range-tabs'), button);
      state.range = button.getAttribute('data-range');
      loadOverview();
    });
  });
  GB.$$('#attention-tabs .tab').forEach(function (button) {
    button.addEventListener('click', function () {
      activate(GB.$('#attention-tabs'), button);
      state.attentionCode = parseInt(button.getAttribute('data-code'), 10);
      loadAttention();
    });
  });
  GB.$$('#usage-tabs .tab').forEach(function (button) {
    button.addEventListener('click', function () {
      activate(GB.$('#usage-tabs'), button);
      state.usagePeriod = button.getAttribute('data-period');
      loadUsage();
    });
  });
  GB.$('#attention-limit').addEventListener('change', loadAttention);
  GB.$('#refresh').addEventListener('click', loadAll);
  GB.$('#recent-calls').addEventListener('click', recentCalls);
  window.addEventListener('resize', GB.debounce(resize, 150));
  document.addEventListener('gb:lang', function () {
    renderOverview();
    renderAttention();
    renderCapacity();
    renderUsage();
  });

  loadAll();
});
