/*
 * The error-log page: filters (key text or whole key, error type/text, status code, date range),
 * sorting by id or time, server-side pages, a details dialog, delete selected or all. Every row
 * comes from GET /api/logs/errors; keys arrive masked.
 */
GB.page('logs', {
  en: {
    'logs.key': 'Gemini key',
    'logs.keyHint': 'last 4, masked form or whole key',
    'logs.error': 'Error type or text',
    'logs.errorHint': 'e.g. quota, gemini-chat-stream',
    'logs.code': 'Status code',
    'logs.codeHint': 'e.g. 429',
    'logs.start': 'From',
    'logs.end': 'Until',
    'logs.search': 'Search',
    'logs.clear': 'Clear',
    'logs.pageSize': 'Per page',
    'logs.deleteSelected': 'Delete selected',
    'logs.deleteAll': 'Delete all',
    'logs.selectAll': 'Select all on this page',
    'logs.select': 'Select',
    'logs.id': 'ID',
    'logs.type': 'Error type',
    'logs.model': 'Model',
    'logs.time': 'Time',
    'logs.actions': 'Actions',
    'logs.details': 'Details',
    'logs.delete': 'Delete',
    'logs.total': '{n} error logs',
    'logs.selected': '{n} selected',
    'logs.empty': 'No error logs match these filters',
    'logs.detailsTitle': 'Error log #{id}',
    'logs.message': 'Upstream message (secrets redacted)',
    'logs.body': 'Request body',
    'logs.noBody': 'Not recorded (ERROR_LOG_RECORD_REQUEST_BODY is off, or the row predates it)',
    'logs.requestId': 'Request id',
    'logs.copy': 'Copy',
    'logs.confirmDelete': 'Delete error log #{id}?',
    'logs.confirmSelected': 'Delete the {n} selected error logs?',
    'logs.confirmAll': 'Delete ALL error logs? This cannot be undone.',
    'logs.deleted': 'Deleted',
    'logs.badDates': '"Until" must be after "From".'
  },
  zh: {
    'logs.key': 'Gemini 密钥',
    'logs.keyHint': '后 4 位、掩码形式或完整密钥',
    'logs.error': '错误类型或内容',
    'logs.errorHint': '例如 quota、gemini-chat-stream',
    'logs.code': '状态码',
    'logs.codeHint': '例如 429',
    'logs.start': '开始时间',
    'logs.end': '结束时间',
    'logs.search': '搜索',
    'logs.clear': '清除',
    'logs.pageSize': '每页',
    'logs.deleteSelected': '删除所选',
    'logs.deleteAll': '清空全部',
    'logs.selectAll': '全选本页',
    'logs.select': '选择',
    'logs.id': 'ID',
    'logs.type': '错误类型',
    'logs.model': '模型',
    'logs.time': '请求时间',
    'logs.actions': '操作',
    'logs.details': '详情',
    'logs.delete': '删除',
    'logs.total': '共 {n} 条错误日志',
    'logs.selected': '已选 {n} 条',
    'logs.empty': '没有符合条件的错误日志',
    'logs.detailsTitle': '错误日志 #{id}',
    'logs.message': '上游错误信息（已隐去密钥）',
    'logs.body': '请求内容',
    'logs.noBody': '未记录（ERROR_LOG_RECORD_REQUEST_BODY 未开启，或该记录早于开启时间）',
    'logs.requestId': '请求 ID',
    'logs.copy': '复制',
    'logs.confirmDelete': '删除错误日志 #{id}？',
    'logs.confirmSelected': '删除所选的 {n} 条错误日志？',
    'logs.confirmAll': '删除全部错误日志？此操作无法撤销。',
    'logs.deleted': '已删除',
    'logs.badDates': '结束时间必须晚于开始时间。'
  }
}, function () {
  'use strict';
  var state = { page: 1, limit: 20, sortBy: 'id', sortOrder: 'desc', filters: {}, rows: [], total: 0 };
  var selected = {};
  var form = GB.$('#log-filters');
  var tbody = GB.$('#log-rows');

  /** datetime-local value (the browser's local time) -> ISO instant, or '' */
  function isoOf(value) {
    if (!value) { return ''; }
    var d = new Date(value);
    return isNaN(d.getTime()) ? '' : d.toISOString();
  }

  function readFilters() {
    return {
      key_search: GB.$('#f-key').value.trim(),
      error_search: GB.$('#f-error').value.trim(),
      error_code_search: GB.$('#f-code').value.trim(),
      start_date: isoOf(GB.$('#f-start').value),
      end_date: isoOf(GB.$('#f-end').value)
    };
  }

  function showFilterError(text, field) {
    var box = GB.$('#filter-error');
    box.textContent = text || '';
    box.classList.toggle('hidden', !text);
    GB.$$('#log-filters input').forEach(function (input) {
      input.classList.toggle('invalid', !!field && input.name === field);
    });
  }

  function load() {
    var params = {
      limit: state.limit,
      offset: (state.page - 1) * state.limit,
      sort_by: state.sortBy,
      sort_order: state.sortOrder
    };
    Object.keys(state.filters).forEach(function (k) { params[k] = state.filters[k]; });
    return GB.api('GET', '/api/logs/errors' + GB.qs(params)).then(function (data) {
      showFilterError('');
      state.rows = data.logs;
      state.total = data.total;
      var pages = Math.max(1, Math.ceil(data.total / state.limit));
      if (state.page > pages && data.total > 0) { state.page = pages; return load(); }
      render();
      GB.pager(GB.$('#log-pager'), { page: state.page, totalPages: pages, onPage: function (p) {
        state.page = p;
        load();
      } });
    }, function (err) {
      showFilterError(err.message, err.field);
      if (!err.field) { GB.toast(err.message, 'error'); }
    });
  }

  function render() {
    GB.$('#log-total').textContent = GB.t('logs.total', { n: GB.fmtNum(state.total) });
    GB.$('#select-all').checked = state.rows.length > 0 && state.rows.every(function (r) { return selected[r.id]; });
    updateSelection();
    GB.$$('th.sortable').forEach(function (th) {
      var active = th.getAttribute('data-sort') === state.sortBy;
      th.setAttribute('aria-sort', active ? (state.sortOrder === 'asc' ? 'ascending' : 'descending') : 'none');
      GB.$('.sort-mark', th).textContent = active ? (state.sortOrder === 'asc' ? '▲' : '▼') : '';
    });
    if (!state.rows.length) {
      GB.fill(tbody, GB.el('tr', null, GB.el('td', { colspan: 8, class: 'empty', text: GB.t('logs.empty') })));
      return;
    }
    GB.fill(tbody, state.rows.map(function (row) {
      var box = GB.el('input', { type: 'checkbox', checked: !!selected[row.id], 'aria-label': GB.t('logs.select') + ' #' + row.id,
        onchange: function () {
          if (box.checked) { selected[row.id] = true; } else { delete selected[row.id]; }
          tr.classList.toggle('selected', box.checked);
          updateSelection();
        } });
      var tr = GB.el('tr', { class: selected[row.id] ? 'selected' : null, 'data-id': row.id },
        GB.el('td', null, box),
        GB.el('td', { class: 'num', text: row.id }),
        GB.el('td', { class: 'mono nowrap', text: row.gemini_key || '' }),
        GB.el('td', { text: row.error_type || '' }),
        GB.el('td', { class: 'num' }, row.error_code == null ? '' : GB.el('span', { class: 'badge ' + codeClass(row.error_code), text: row.error_code })),
        GB.el('td', { class: 'mono', text: row.model_name || '' }),
        GB.el('td', { class: 'nowrap', text: GB.fmtTime(row.request_time) }),
        GB.el('td', { class: 'nowrap' },
          GB.el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'details', text: GB.t('logs.details'),
            onclick: function () { details(row.id); } }),
          ' ',
          GB.el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'delete', text: GB.t('logs.delete'),
            onclick: function () { removeOne(row.id); } })));
      return tr;
    }));
  }

  function codeClass(code) {
    if (code === 429) { return 'warn'; }
    if (code >= 500 || code === 0) { return 'bad'; }
    return code >= 400 ? 'bad' : 'muted';
  }

  function selectedIds() {
    return Object.keys(selected).map(Number);
  }

  function updateSelection() {
    var n = selectedIds().length;
    var button = GB.$('#delete-selected');
    button.disabled = n === 0;
    button.textContent = n ? GB.t('logs.deleteSelected') + ' (' + GB.fmtNum(n) + ')' : GB.t('logs.deleteSelected');
  }

  function section(label, content, copyText) {
    return GB.el('div', { class: 'detail-block' },
      GB.el('div', { class: 'row' }, GB.el('h3', { text: label }),
        copyText ? GB.el('button', { type: 'button', class: 'btn btn-small', text: GB.t('logs.copy'),
          onclick: function () { GB.copy(copyText); } }) : null),
      content);
  }

  function details(id) {
    GB.api('GET', '/api/logs/errors/' + encodeURIComponent(id) + '/details').then(function (d) {
      var facts = GB.el('dl', { class: 'facts' },
        fact(GB.t('logs.key'), d.gemini_key, true), fact(GB.t('logs.type'), d.error_type),
        fact(GB.t('logs.code'), d.error_code), fact(GB.t('logs.model'), d.model_name, true),
        fact(GB.t('logs.time'), GB.fmtTime(d.request_time)), fact(GB.t('logs.requestId'), d.request_id, true));
      var body = GB.el('div', { class: 'log-details' }, facts,
        section(GB.t('logs.message'), GB.el('pre', { text: d.error_log || '' }), d.error_log),
        section(GB.t('logs.body'), d.request_msg ? GB.el('pre', { text: d.request_msg })
          : GB.el('p', { class: 'muted', text: GB.t('logs.noBody') }), d.request_msg));
      GB.modal(GB.t('logs.detailsTitle', { id: d.id }), body);
    }, function (err) { GB.toast(err.message, 'error'); });
  }

  function fact(label, value, mono) {
    return [GB.el('dt', { text: label }), GB.el('dd', { class: mono ? 'mono' : null, text: value == null ? '' : value })];
  }

  function afterDelete() {
    GB.toast(GB.t('logs.deleted'));
    return load();
  }

  function removeOne(id) {
    GB.confirm(GB.t('logs.confirmDelete', { id: id }), true).then(function (yes) {
      if (!yes) { return; }
      GB.api('DELETE', '/api/logs/errors/' + encodeURIComponent(id)).then(function () {
        delete selected[id];
        return afterDelete();
      }, function (err) { GB.toast(err.message, 'error'); });
    });
  }

  GB.$('#delete-selected').addEventListener('click', function () {
    var ids = selectedIds();
    if (!ids.length) { return; }
    GB.confirm(GB.t('logs.confirmSelected', { n: ids.length }), true).then(function (yes) {
      if (!yes) { return; }
      GB.api('DELETE', '/api/logs/errors', { ids: ids }).then(function () {
        selected = {};
        return afterDelete();
      }, function (err) { GB.toast(err.message, 'error'); });
    });
  });

  GB.$('#delete-all').addEventListener('click', function () {
    GB.confirm(GB.t('logs.confirmAll'), true).then(function (yes) {
      if (!yes) { return; }
      GB.api('DELETE', '/api/logs/errors/all').then(function () {
        selected = {};
        state.page = 1;
        return afterDelete();
      }, function (err) { GB.toast(err.message, 'error'); });
    });
  });

  GB.$('#select-all').addEventListener('change', function (e) {
    state.rows.forEach(function (r) { if (e.target.checked) { selected[r.id] = true; } else { delete selected[r.id]; } });
    render();
  });

  GB.$$('th.sortable').forEach(function (th) {
    th.setAttribute('tabindex', '0');
    function toggle() {
      var by = th.getAttribute('data-sort');
      if (state.sortBy === by) { state.sortOrder = state.sortOrder === 'desc' ? 'asc' : 'desc'; }
      else { state.sortBy = by; state.sortOrder = 'desc'; }
      state.page = 1;
      load();
    }
    th.addEventListener('click', toggle);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } });
  });

  GB.$('#page-size').addEventListener('change', function (e) {
    state.limit = parseInt(e.target.value, 10) || 20;
    state.page = 1;
    load();
  });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var filters = readFilters();
    if (filters.start_date && filters.end_date && filters.end_date <= filters.start_date) {
      showFilterError(GB.t('logs.badDates'), 'end_date');
      return;
    }
    state.filters = filters;
    state.page = 1;
    selected = {};
    load();
  });

  GB.$('#clear-filters').addEventListener('click', function () {
    form.reset();
    state.filters = {};
    state.page = 1;
    selected = {};
    load();
  });

  document.addEventListener('gb:lang', function () {
    render();
    GB.pager(GB.$('#log-pager'), { page: state.page, totalPages: Math.max(1, Math.ceil(state.total / state.limit)),
      onPage: function (p) { state.page = p; load(); } });
  });

  load();
});
