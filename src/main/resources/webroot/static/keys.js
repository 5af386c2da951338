/*
 * The keys page: totals by state, the pool's keys page by page (search, filters and sort run on the
 * server, which holds every key in memory), per-model detail, bulk add, verify as a server-side
 * job, reset, delete, copy (masked) and reveal/export (whole keys, audited by the server).
 * Keys and error texts are attacker-influenced: they only ever go into textContent.
 */
GB.page('keys', {
  en: {
    'keys.search': 'Search key or last 4',
    'keys.state': 'State',
    'keys.failMin': 'Failures ≥',
    'keys.sort': 'Sort by',
    'keys.order': 'Order',
    'keys.pageSize': 'Keys per page',
    'keys.perPage': '{n} / page',
    'keys.refresh': 'Refresh',
    'keys.add': 'Add keys',
    'keys.verifySelected': 'Verify selected',
    'keys.verifyAll': 'Verify all',
    'keys.resetSelected': 'Reset selected',
    'keys.copySelected': 'Copy selected (masked)',
    'keys.revealSelected': 'Reveal selected',
    'keys.export': 'Export',
    'keys.deleteSelected': 'Delete selected',
    'keys.deleteDisabled': 'Delete all disabled',
    'keys.selectPage': 'Select every key on this page',
    'keys.selectKey': 'Select this key',
    'keys.selected': '{n} selected',
    'keys.noneSelected': 'Select keys first',
    'keys.col.key': 'Key',
    'keys.col.state': 'State',
    'keys.col.failures': 'Failures',
    'keys.col.lastError': 'Last error',
    'keys.col.usedToday': 'Used today',
    'keys.col.actions': 'Actions',
    'keys.details': 'Details',
    'keys.hide': 'Hide',
    'keys.verify': 'Verify',
    'keys.reset': 'Reset',
    'keys.copy': 'Copy',
    'keys.delete': 'Delete',
    'keys.empty': 'No keys match',
    'keys.state.all': 'All states',
    'keys.state.usable': 'Usable',
    'keys.state.cooling': 'Cooling',
    'keys.state.parked': 'Parked until Pacific midnight',
    'keys.state.model_disabled': 'Disabled for a model',
    'keys.state.disabled': 'Disabled',
    'keys.sort.added': 'Date added',
    'keys.sort.fail_count': 'Failures',
    'keys.sort.last_error_at': 'Last error',
    'keys.sort.used_today': 'Used today',
    'keys.order.asc': 'Ascending',
    'keys.order.desc': 'Descending',
    'keys.total.total': 'Keys',
    'keys.total.usable': 'Usable',
    'keys.total.cooling': 'Cooling',
    'keys.total.parked': 'Parked',
    'keys.total.model_disabled': 'Disabled for a model',
    'keys.total.disabled': 'Disabled',
    'keys.detail.id': 'Id',
    'keys.detail.disabledReason': 'Disabled because',
    'keys.detail.model': 'Model',
    'keys.detail.state': 'State',
    'keys.detail.until': 'Until',
    'keys.detail.minute': 'This minute',
    'keys.detail.today': 'Today',
    'keys.detail.reason': 'Reason',
    'keys.detail.noModels': 'No model has used this key since the gateway started.',
    'keys.unlimited': 'no limit',
    'keys.detail.project': 'Project (shares its quota)',
    'keys.source.configured': 'configured',
    'keys.source.table': 'free-tier table',
    'keys.source.proven': 'proven',
    'keys.source.learned': 'from Google',
    'keys.addTitle': 'Add keys',
    'keys.addHint': 'Paste any text: keys are picked out of it. For keys that do not start with AIza, choose one key per line.',
    'keys.mode.extract': 'Find Google keys (AIza…) in the text',
    'keys.mode.lines': 'One key per line (other formats)',
    'keys.addSubmit': 'Add',
    'keys.addReport': '{added} added, {duplicates} already present, {rejected} rejected',
    'keys.line': 'Line {line}',
    'keys.confirmDelete': 'Delete {n} key(s)? They stop serving at once.',
    'keys.confirmDeleteDisabled': 'Delete every disabled key?',
    'keys.confirmReset': 'Reset failures and cooldowns of {n} key(s)?',
    'keys.confirmVerifyAll': 'Verify all {n} keys? Each sends one small request with TEST_MODEL.',
    'keys.confirmReveal': 'Show {n} whole key(s)? This is written to the audit log.',
    'keys.confirmExport': 'Download every key in full? This is written to the audit log.',
    'keys.deleted': '{n} key(s) deleted',
    'keys.resetDone': '{n} key(s) reset',
    'keys.revealTitle': 'Whole keys',
    'keys.copyAll': 'Copy all',
    'keys.job.running': 'Verifying: {done} of {total} ({valid} valid, {invalid} invalid, {other} other)',
    'keys.job.done': 'Verification finished: {valid} valid, {invalid} invalid, {other} other of {total}',
    'keys.job.cancelled': 'Verification cancelled after {done} of {total}',
    'keys.job.cancel': 'Cancel',
    'keys.job.results': 'Results',
    'keys.job.resultsTitle': 'Verification results',
    'keys.job.more': 'Showing the first {n} results.',
    'keys.verdict.valid': 'valid',
    'keys.verdict.invalid': 'invalid',
    'keys.verdict.rate_limited': 'rate limited',
    'keys.verdict.error': 'no verdict',
    'keys.col.code': 'Code',
    'keys.col.message': 'Message',
    'keys.cluster.single': 'One instance (no Redis).',
    'keys.cluster.shared': '{n} instance(s) sharing key state and quotas on Redis {redis}; this is instance {rank} ({id}).',
    'keys.cluster.local': 'Redis {redis} is away: {n} instance(s), each scheduling alone with 1/{n} of every limit; this is instance {rank} ({id}).'
  },
  zh: {
    'keys.search': '搜索密钥或后 4 位',
    'keys.state': '状态',
    'keys.failMin': '失败次数 ≥',
    'keys.sort': '排序',
    'keys.order': '顺序',
    'keys.pageSize': '每页密钥数',
    'keys.perPage': '每页 {n} 条',
    'keys.refresh': '刷新',
    'keys.add': '添加密钥',
    'keys.verifySelected': '验证所选',
    'keys.verifyAll': '验证全部',
    'keys.resetSelected': '重置所选',
    'keys.copySelected': '复制所选（掩码）',
    'keys.revealSelected': '显示所选完整密钥',
    'keys.export': '导出',
    'keys.deleteSelected': '删除所选',
    'keys.deleteDisabled': '删除全部已禁用',
    'keys.selectPage': '选择本页全部密钥',
    'keys.selectKey': '选择此密钥',
    'keys.selected': '已选 {n} 个',
    'keys.noneSelected': '请先选择密钥',
    'keys.col.key': '密钥',
    'keys.col.state': '状态',
    'keys.col.failures': '失败次数',
    'keys.col.lastError': '最近错误',
    'keys.col.usedToday': '今日用量',
    'keys.col.actions': '操作',
    'keys.details': '详情',
    'keys.hide': '收起',
    'keys.verify': '验证',
    'keys.reset': '重置',
    'keys.copy': '复制',
    'keys.delete': '删除',
    'keys.empty': '没有符合条件的密钥',
    'keys.state.all': '全部状态',
    'keys.state.usable': '可用',
    'keys.state.cooling': '冷却中',
    'keys.state.parked': '暂停至太平洋时间午夜',
    'keys.state.model_disabled': '对某模型禁用',
    'keys.state.disabled': '已禁用',
    'keys.sort.added': '添加时间',
    'keys.sort.fail_count': '失败次数',
    'keys.sort.last_error_at': '最近错误',
    'keys.sort.used_today': '今日用量',
    'keys.order.asc': '升序',
    'keys.order.desc': '降序',
    'keys.total.total': '密钥总数',
    'keys.total.usable': '可用',
    'keys.total.cooling': '冷却中',
    'keys.total.parked': '已暂停',
    'keys.total.model_disabled': '对某模型禁用',
    'keys.total.disabled': '已禁用',
    'keys.detail.id': '标识',
    'keys.detail.disabledReason': '禁用原因',
    'keys.detail.model': '模型',
    'keys.detail.state': '状态',
    'keys.detail.until': '直到',
    'keys.detail.minute': '本分钟',
    'keys.detail.today': '今日',
    'keys.detail.reason': '原因',
    'keys.detail.noModels': '网关启动以来尚无模型使用此密钥。',
    'keys.unlimited': '不限',
    'keys.detail.project': '所属项目（共享其配额）',
    'keys.source.configured': '配置',
    'keys.source.table': '免费层表',
    'keys.source.proven': '已验证',
    'keys.source.learned': '来自 Google',
    'keys.addTitle': '添加密钥',
    'keys.addHint': '粘贴任意文本，系统会从中提取密钥。不以 AIza 开头的密钥请选择“每行一个密钥”。',
    'keys.mode.extract': '从文本中提取 Google 密钥（AIza…）',
    'keys.mode.lines': '每行一个密钥（其他格式）',
    'keys.addSubmit': '添加',
    'keys.addReport': '新增 {added} 个，已存在 {duplicates} 个，拒绝 {rejected} 个',
    'keys.line': '第 {line} 行',
    'keys.confirmDelete': '删除 {n} 个密钥？删除后立即停止使用。',
    'keys.confirmDeleteDisabled': '删除全部已禁用的密钥？',
    'keys.confirmReset': '重置 {n} 个密钥的失败次数和冷却？',
    'keys.confirmVerifyAll': '验证全部 {n} 个密钥？每个密钥会用 TEST_MODEL 发送一个小请求。',
    'keys.confirmReveal': '显示 {n} 个完整密钥？此操作会写入审计日志。',
    'keys.confirmExport': '下载全部完整密钥？此操作会写入审计日志。',
    'keys.deleted': '已删除 {n} 个密钥',
    'keys.resetDone': '已重置 {n} 个密钥',
    'keys.revealTitle': '完整密钥',
    'keys.copyAll': '全部复制',
    'keys.job.running': '验证中：{done} / {total}（有效 {valid}，无效 {invalid}，其他 {other}）',
    'keys.job.done': '验证完成：共 {total} 个，有效 {valid}，无效 {invalid}，其他 {other}',
    'keys.job.cancelled': '验证已取消，完成 {done} / {total}',
    'keys.job.cancel': '取消',
    'keys.job.results': '结果',
    'keys.job.resultsTitle': '验证结果',
    'keys.job.more': '仅显示前 {n} 条结果。',
    'keys.verdict.valid': '有效',
    'keys.verdict.invalid': '无效',
    'keys.verdict.rate_limited': '限流',
    'keys.verdict.error': '无结论',
    'keys.col.code': '状态码',
    'keys.col.message': '信息',
    'keys.cluster.single': '单实例（未配置 Redis）。',
    'keys.cluster.shared': '{n} 个实例通过 Redis {redis} 共享密钥状态和配额；本实例为第 {rank} 个（{id}）。',
    'keys.cluster.local': 'Redis {redis} 不可用：{n} 个实例各自按每项限额的 1/{n} 调度；本实例为第 {rank} 个（{id}）。'
  }
}, function () {
  'use strict';

  var STATES = ['usable', 'cooling', 'parked', 'model_disabled', 'disabled'];
  var BADGE = { usable: 'ok', cooling: 'warn', parked: 'warn', model_disabled: 'bad', disabled: 'bad' };
  var query = { page: 1, limit: 20, search: '', state: '', fail_count_threshold: '', sort: 'added', order: 'asc' };
  var selected = {};       // id -> masked key, across pages
  var expanded = {};       // id -> true
  var last = null;         // the last answer of GET /api/keys
  var cluster = null;      // the last answer of GET /api/cluster
  var jobTimer = null;

  function options(select, values, label, current) {
    GB.fill(select, values.map(function (v) {
      return GB.el('option', { value: v, selected: String(v) === String(current), text: label(v) });
    }));
  }

  function renderControls() {
    options(GB.$('#state'), [''].concat(STATES), function (v) { return GB.t('keys.state.' + (v || 'all')); }, query.state);
    options(GB.$('#sort'), ['added', 'fail_count', 'last_error_at', 'used_today'],
      function (v) { return GB.t('keys.sort.' + v); }, query.sort);
    options(GB.$('#order'), ['asc', 'desc'], function (v) { return GB.t('keys.order.' + v); }, query.order);
    options(GB.$('#limit'), [10, 20, 50, 100, 500], function (v) { return GB.t('keys.perPage', { n: v }); }, query.limit);
  }

  function load() {
    return GB.api('GET', '/api/keys' + GB.qs(query)).then(function (data) {
      last = data;
      renderTotals(data.totals);
      renderRows(data.keys);
      GB.pager(GB.$('#pager'), { page: data.current_page, totalPages: data.total_pages,
        onPage: function (p) { query.page = p; load(); } });
      renderSelection();
    }, function (err) { GB.toast(err.message, 'error'); });
  }

  /** The instances on Redis (GET /api/cluster), in the header; the page works without it. */
  function loadCluster() {
    return GB.api('GET', '/api/cluster').then(function (c) {
      cluster = c;
      renderCluster();
    }, function () { return null; });
  }

  function renderCluster() {
    if (!cluster) { return; }
    var c = cluster;
    var mode = c.mode === 'shared' ? 'shared' : c.mode === 'single' ? 'single' : 'local';
    var line = GB.$('#cluster');
    line.textContent = GB.t('keys.cluster.' + mode, { n: c.instances, rank: c.rank + 1,
      id: c.instance, redis: c.redis ? c.redis.address : '' });
    line.setAttribute('data-mode', c.mode);
  }

  function renderTotals(t) {
    GB.fill(GB.$('#totals'), ['total'].concat(STATES).map(function (name) {
      var card = GB.el('button', { type: 'button', class: 'card stat', 'data-state': name,
        onclick: function () { query.state = name === 'total' ? '' : name; query.page = 1; renderControls(); load(); } },
        GB.el('div', { class: 'stat-value', text: GB.fmtNum(t[name]) }),
        GB.el('div', { class: 'stat-label', text: GB.t('keys.total.' + name) }));
      return card;
    }));
  }

  function badge(state) {
    return GB.el('span', { class: 'badge ' + (BADGE[state] || 'muted'), text: GB.t('keys.state.' + state) });
  }

  function usedToday(key) {
    return key.models.reduce(function (sum, m) { return sum + m.used_today; }, 0);
  }

  function renderRows(keys) {
    var body = GB.$('#keys-body');
    if (!keys.length) {
      GB.fill(body, GB.el('tr', {}, GB.el('td', { colspan: 7, class: 'empty', text: GB.t('keys.empty') })));
      GB.$('#select-page').checked = false;
      return;
    }
    var rows = [];
    keys.forEach(function (key) {
      rows.push(GB.el('tr', { 'data-id': key.id, class: selected[key.id] ? 'selected' : null },
        GB.el('td', {}, GB.el('input', { type: 'checkbox', class: 'select-key', checked: !!selected[key.id],
          'aria-label': GB.t('keys.selectKey'), onchange: function (e) { toggle(key, e.target.checked); } })),
        GB.el('td', { class: 'mono key-cell', text: key.key }),
        GB.el('td', {}, key.states.map(function (s) { return [badge(s), ' ']; })),
        GB.el('td', { class: 'num', text: GB.fmtNum(key.fail_count) }),
        GB.el('td', { class: 'last-error' }, key.last_error ? [
          GB.el('div', { class: 'muted nowrap', text: GB.fmtTime(key.last_error_at) }),
          GB.el('div', { class: 'clip', title: key.last_error, text: key.last_error })] : '—'),
        GB.el('td', { class: 'num', text: GB.fmtNum(usedToday(key)) }),
        GB.el('td', { class: 'nowrap' },
          GB.el('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': expanded[key.id] ? 'true' : 'false',
            text: GB.t(expanded[key.id] ? 'keys.hide' : 'keys.details'),
            onclick: function () { expanded[key.id] = !expanded[key.id]; renderRows(last.keys); } }), ' ',
          GB.el('button', { type: 'button', class: 'btn btn-small act-verify', text: GB.t('keys.verify'),
            onclick: function () { verify({ ids: [key.id] }); } }), ' ',
          GB.el('button', { type: 'button', class: 'btn btn-small act-reset', text: GB.t('keys.reset'),
            onclick: function () { reset([key.id]); } }), ' ',
          GB.el('button', { type: 'button', class: 'btn btn-small', text: GB.t('keys.copy'),
            onclick: function () { GB.copy(key.key); } }), ' ',
          GB.el('button', { type: 'button', class: 'btn btn-small btn-danger act-delete', text: GB.t('keys.delete'),
            onclick: function () { remove([key.id]); } }))));
      if (expanded[key.id]) { rows.push(detailRow(key)); }
    });
    GB.fill(body, rows);
    GB.$('#select-page').checked = keys.every(function (k) { return selected[k.id]; });
  }

  function detailRow(key) {
    var parts = [GB.el('p', { class: 'muted' }, GB.t('keys.detail.id') + ': ', GB.el('span', { class: 'mono', text: key.id }))];
    if (key.disabled_reason) {
      parts.push(GB.el('p', {}, GB.t('keys.detail.disabledReason') + ': ', GB.el('span', { text: key.disabled_reason })));
    }
    // Lanes in parentheses are the pool's own (the model-list bucket), not models a client asks for.
    var models = key.models.filter(function (m) { return m.model.charAt(0) !== '('; });
    var project = key.models.map(function (m) { return m.project; }).filter(function (p) { return p; })[0];
    if (project) {
      parts.push(GB.el('p', {}, GB.t('keys.detail.project') + ': ', GB.el('span', { class: 'mono', text: project })));
    }
    if (!models.length) {
      parts.push(GB.el('p', { class: 'muted', text: GB.t('keys.detail.noModels') }));
    } else {
      parts.push(GB.el('div', { class: 'table-wrap' }, GB.el('table', { class: 'grid models' },
        GB.el('thead', {}, GB.el('tr', {}, ['model', 'state', 'until', 'minute', 'today', 'reason'].map(function (c) {
          return GB.el('th', { text: GB.t('keys.detail.' + c) });
        }))),
        GB.el('tbody', {}, models.map(function (m) {
          return GB.el('tr', {},
            GB.el('td', { class: 'mono', text: m.model }),
            GB.el('td', {}, badge(m.state)),
            GB.el('td', { class: 'nowrap', text: GB.fmtTime(m.until) }),
            GB.el('td', { class: 'num', text: GB.fmtNum(m.used_this_minute) + ' / ' + limit(m.rpm) + source(m.rpm_source) }),
            GB.el('td', { class: 'num', text: GB.fmtNum(m.used_today) + ' / ' + limit(m.rpd) + source(m.rpd_source) }),
            GB.el('td', { text: m.reason || '' }));
        })))));
    }
    return GB.el('tr', { class: 'detail', 'data-detail-for': key.id }, GB.el('td', { colspan: 7 }, parts));
  }

  function limit(n) { return n > 0 ? GB.fmtNum(n) : GB.t('keys.unlimited'); }

  /** Where a limit comes from, unless it is the operator's own number. */
  function source(s) { return s && s !== 'configured' ? ' (' + GB.t('keys.source.' + s) + ')' : ''; }

  function toggle(key, on) {
    if (on) { selected[key.id] = key.key; } else { delete selected[key.id]; }
    var row = GB.$('tr[data-id="' + key.id + '"]');
    if (row) { row.classList.toggle('selected', on); }
    renderSelection();
  }

  function selectedIds() { return Object.keys(selected); }

  function renderSelection() {
    var n = selectedIds().length;
    GB.$('#selection-info').textContent = n ? GB.t('keys.selected', { n: GB.fmtNum(n) }) : '';
  }

  function needSelection() {
    var ids = selectedIds();
    if (!ids.length) { GB.toast(GB.t('keys.noneSelected'), 'error'); }
    return ids;
  }

  // ---- actions ----------------------------------------------------------------------------

  function remove(ids) {
    GB.confirm(GB.t('keys.confirmDelete', { n: ids.length }), true).then(function (ok) {
      if (!ok) { return; }
      var call = ids.length === 1 ? GB.api('DELETE', '/api/keys/' + encodeURIComponent(ids[0]))
        : GB.api('POST', '/api/keys/delete', { ids: ids });
      call.then(function (r) {
        ids.forEach(function (id) { delete selected[id]; });
        GB.toast(GB.t('keys.deleted', { n: r.deleted_count }));
        (r.warnings || []).forEach(function (w) { GB.toast(w, 'error'); });
        load();
      }, function (err) { GB.toast(err.message, 'error'); });
    });
  }

  function reset(ids) {
    GB.confirm(GB.t('keys.confirmReset', { n: ids.length })).then(function (ok) {
      if (!ok) { return; }
      GB.api('POST', '/api/keys/reset', { ids: ids }).then(function (r) {
        GB.toast(GB.t('keys.resetDone', { n: r.reset_count }));
        load();
      }, function (err) { GB.toast(err.message, 'error'); });
    });
  }

  function verify(selection) {
    GB.api('POST', '/api/keys/verify', selection).then(function (r) { watchJob(r.job_id); },
      function (err) { GB.toast(err.message, 'error'); });
  }

  var lastJob = null;

  function renderJob(job) {
    lastJob = job;
    var box = GB.$('#job');
    box.classList.remove('hidden');
    var bar = GB.el('div');
    bar.style.width = (job.total ? Math.round(job.done * 100 / job.total) : 100) + '%';
    var finished = job.state === 'done' || job.state === 'cancelled';
    var text = GB.t(job.state === 'cancelled' ? 'keys.job.cancelled' : finished ? 'keys.job.done' : 'keys.job.running', job);
    GB.fill(box, GB.el('p', { class: 'job-text', text: text }), GB.el('div', { class: 'progress' }, bar),
      GB.el('div', { class: 'row job-actions' },
        finished ? GB.el('button', { type: 'button', class: 'btn btn-small', id: 'job-results', text: GB.t('keys.job.results'),
          onclick: function () { showResults(job); } })
          : GB.el('button', { type: 'button', class: 'btn btn-small', text: GB.t('keys.job.cancel'),
            onclick: function () { GB.api('POST', '/api/keys/verify/' + encodeURIComponent(job.job_id) + '/cancel'); } })));
    return finished;
  }

  function watchJob(jobId) {
    clearTimeout(jobTimer);
    function poll() {
      GB.api('GET', '/api/keys/verify/' + encodeURIComponent(jobId) + '?limit=1000').then(function (job) {
        if (renderJob(job)) { load(); } else { jobTimer = setTimeout(poll, 1000); }
      }, function (err) { GB.toast(err.message, 'error'); });
    }
    poll();
  }

  function showResults(job) {
    var table = GB.el('div', { class: 'table-wrap' }, GB.el('table', { class: 'grid results' },
      GB.el('thead', {}, GB.el('tr', {}, GB.el('th', { text: GB.t('keys.col.key') }), GB.el('th', { text: GB.t('keys.col.state') }),
        GB.el('th', { text: GB.t('keys.col.code') }), GB.el('th', { text: GB.t('keys.col.message') }))),
      GB.el('tbody', {}, job.results.map(function (r) {
        var kind = r.verdict === 'valid' ? 'ok' : r.verdict === 'invalid' ? 'bad' : 'warn';
        return GB.el('tr', { 'data-result-for': r.id },
          GB.el('td', { class: 'mono', text: r.key }),
          GB.el('td', {}, GB.el('span', { class: 'badge ' + kind, text: GB.t('keys.verdict.' + r.verdict) })),
          GB.el('td', { text: r.error_code === null || r.error_code === undefined ? '' : String(r.error_code) }),
          GB.el('td', { text: r.error_message || '' }));
      }))));
    var more = job.results_total > job.results.length
      ? GB.el('p', { class: 'muted', text: GB.t('keys.job.more', { n: job.results.length }) }) : null;
    GB.modal(GB.t('keys.job.resultsTitle'), GB.el('div', {}, table, more));
  }

  function addModal() {
    var text = GB.el('textarea', { id: 'add-text', rows: 8, spellcheck: 'false', autocomplete: 'off' });
    var mode = 'extract';
    var modes = ['extract', 'lines'].map(function (m) {
      return GB.el('label', { class: 'row' }, GB.el('input', { type: 'radio', name: 'add-mode', value: m, checked: m === mode,
        onchange: function () { mode = m; } }), GB.el('span', { text: GB.t('keys.mode.' + m) }));
    });
    var report = GB.el('div', { id: 'add-report', 'aria-live': 'polite' });
    var body = GB.el('div', {}, GB.el('p', { class: 'muted', text: GB.t('keys.addHint') }), text,
      GB.el('div', { class: 'field' }, modes), report);
    GB.modal(GB.t('keys.addTitle'), body, [
      { text: GB.t('common.close') },
      { text: GB.t('keys.addSubmit'), kind: 'primary', onClick: function () {
        GB.api('POST', '/api/keys', { text: text.value, mode: mode }).then(function (r) {
          GB.fill(report, GB.el('p', { class: 'add-summary', text: GB.t('keys.addReport',
            { added: r.added, duplicates: r.duplicates, rejected: r.rejected_count }) }),
            r.rejected.length ? GB.el('ul', { class: 'rejected' }, r.rejected.map(function (x) {
              return GB.el('li', {}, GB.t('keys.line', { line: x.line }) + ': ', GB.el('span', { class: 'mono', text: x.text }),
                ' — ' + x.reason);
            })) : null);
          if (r.added) { text.value = ''; load(); }
        }, function (err) { GB.fill(report, GB.el('p', { class: 'field-error', text: err.message })); });
      } }
    ]);
  }

  function reveal(ids) {
    GB.confirm(GB.t('keys.confirmReveal', { n: ids.length })).then(function (ok) {
      if (!ok) { return; }
      GB.api('POST', '/api/keys/reveal', { ids: ids }).then(function (r) {
        var all = r.keys.map(function (k) { return k.key; }).join('\n');
        GB.modal(GB.t('keys.revealTitle'), GB.el('pre', { class: 'mono revealed', text: all }), [
          { text: GB.t('common.close') },
          { text: GB.t('keys.copyAll'), kind: 'primary', onClick: function () { GB.copy(all); } }]);
      }, function (err) { GB.toast(err.message, 'error'); });
    });
  }

  // ---- wiring -----------------------------------------------------------------------------

  var reload = function () { query.page = 1; load(); };
  GB.$('#search').addEventListener('input', GB.debounce(function (e) { query.search = e.target.value.trim(); reload(); }, 300));
  GB.$('#fail-min').addEventListener('input', GB.debounce(function (e) { query.fail_count_threshold = e.target.value; reload(); }, 300));
  GB.$('#state').addEventListener('change', function (e) { query.state = e.target.value; reload(); });
  GB.$('#sort').addEventListener('change', function (e) {
    query.sort = e.target.value;
    query.order = query.sort === 'added' ? 'asc' : 'desc';
    renderControls();
    reload();
  });
  GB.$('#order').addEventListener('change', function (e) { query.order = e.target.value; reload(); });
  GB.$('#limit').addEventListener('change', function (e) { query.limit = parseInt(e.target.value, 10); reload(); });
  GB.$('#btn-refresh').addEventListener('click', function () { load(); loadCluster(); });
  GB.$('#select-page').addEventListener('change', function (e) {
    (last ? last.keys : []).forEach(function (k) { toggle(k, e.target.checked); });
    renderRows(last ? last.keys : []);
  });
  GB.$('#btn-add').addEventListener('click', addModal);
  GB.$('#btn-verify-selected').addEventListener('click', function () {
    var ids = needSelection();
    if (ids.length) { verify({ ids: ids }); }
  });
  GB.$('#btn-verify-all').addEventListener('click', function () {
    GB.confirm(GB.t('keys.confirmVerifyAll', { n: last ? last.totals.total : 0 })).then(function (ok) {
      if (ok) { verify({ all: true }); }
    });
  });
  GB.$('#btn-reset-selected').addEventListener('click', function () {
    var ids = needSelection();
    if (ids.length) { reset(ids); }
  });
  GB.$('#btn-copy-selected').addEventListener('click', function () {
    var ids = needSelection();
    if (ids.length) { GB.copy(ids.map(function (id) { return selected[id]; }).join('\n')); }
  });
  GB.$('#btn-reveal-selected').addEventListener('click', function () {
    var ids = needSelection();
    if (ids.length) { reveal(ids); }
  });
  GB.$('#btn-export').addEventListener('click', function () {
    GB.confirm(GB.t('keys.confirmExport')).then(function (ok) {
      if (ok) { window.location.assign('/api/keys/export' + GB.qs({ status: query.state === 'disabled' ? 'invalid' : 'all' })); }
    });
  });
  GB.$('#btn-delete-selected').addEventListener('click', function () {
    var ids = needSelection();
    if (ids.length) { remove(ids); }
  });
  GB.$('#btn-delete-disabled').addEventListener('click', function () {
    GB.confirm(GB.t('keys.confirmDeleteDisabled'), true).then(function (ok) {
      if (!ok) { return; }
      GB.api('POST', '/api/keys/delete-disabled').then(function (r) {
        GB.toast(GB.t('keys.deleted', { n: r.deleted_count }));
        load();
      }, function (err) { GB.toast(err.message, 'error'); });
    });
  });
  document.addEventListener('gb:lang', function () {
    renderControls();
    if (last) { renderTotals(last.totals); renderRows(last.keys); renderSelection(); }
    if (lastJob) { renderJob(lastJob); }
    renderCluster();
  });

  // The page's own styles, from the jar like everything else (the CSP allows 'self').
  document.head.appendChild(GB.el('link', { rel: 'stylesheet', href: '/static/keys.css' }));
  renderControls();
  load();
  loadCluster();
});
