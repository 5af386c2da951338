/*
 * The client tokens page: managed tokens (/api/tokens) listed with their limits and scope; create
 * and edit in one dialog, rotate, revoke. A token's value comes from the server only in the answer
 * to its creation or rotation: it is shown once in a dialog with a copy button, and is gone from
 * the page when the dialog closes. Names, models and addresses are the admin's text, but still only
 * ever go into textContent.
 */
GB.page('tokens', {
  en: {
    'tokens.intro': 'Tokens for your clients, each with its own limits, models, protocols, addresses and expiry. '
      + 'ALLOWED_TOKENS keep working as tokens without limits.',
    'tokens.create': 'Create token',
    'tokens.refresh': 'Refresh',
    'tokens.col.name': 'Name',
    'tokens.col.token': 'Token',
    'tokens.col.status': 'Status',
    'tokens.col.limits': 'Limits',
    'tokens.col.scope': 'Models · protocols · addresses',
    'tokens.col.expires': 'Expires',
    'tokens.col.actions': 'Actions',
    'tokens.status.active': 'Active',
    'tokens.status.disabled': 'Disabled',
    'tokens.status.expired': 'Expired',
    'tokens.status.revoked': 'Revoked',
    'tokens.none': 'No tokens yet',
    'tokens.unlimited': 'No limits',
    'tokens.allModels': 'all models',
    'tokens.allProtocols': 'all protocols',
    'tokens.anyAddress': 'any address',
    'tokens.never': 'Never',
    'tokens.edit': 'Edit',
    'tokens.rotate': 'Rotate',
    'tokens.revoke': 'Revoke',
    'tokens.save': 'Save',
    'tokens.createTitle': 'Create a token',
    'tokens.editTitle': 'Edit token {name}',
    'tokens.f.name': 'Name',
    'tokens.f.models': 'Models',
    'tokens.f.modelsHint': 'One per line: exact names or globs such as gemini-2.5-*. Empty: every model.',
    'tokens.f.protocols': 'Protocols',
    'tokens.f.protocolsHint': 'None ticked: every protocol.',
    'tokens.f.limits': 'Limits (empty: none)',
    'tokens.f.rpm': 'Requests per minute',
    'tokens.f.rpd': 'Requests per day',
    'tokens.f.tpm': 'Tokens per minute',
    'tokens.f.tpd': 'Tokens per day',
    'tokens.f.max_concurrent': 'Requests at once',
    'tokens.f.expires': 'Expires (local time; empty: never)',
    'tokens.f.cidrs': 'Allowed client addresses',
    'tokens.f.cidrsHint': 'One per line: 10.0.0.0/8, 2001:db8::/32 or a single address. Empty: any address.',
    'tokens.f.enabled': 'Enabled',
    'tokens.valueTitle': 'Your new token',
    'tokens.valueWarning': 'Copy this token now. It is shown only this once: the gateway keeps only a hash of it.',
    'tokens.copy': 'Copy',
    'tokens.created': 'Token {name} created',
    'tokens.saved': 'Token {name} saved',
    'tokens.rotateConfirm': 'Give token {name} a new value? The current value stops working at once.',
    'tokens.revokeConfirm': 'Revoke token {name}? It stops working at once and cannot be enabled again.',
    'tokens.revoked': 'Token {name} revoked',
    'tokens.perMinute': '{n} RPM',
    'tokens.perDay': '{n} RPD',
    'tokens.tokensPerMinute': '{n} TPM',
    'tokens.tokensPerDay': '{n} TPD',
    'tokens.concurrent': '{n} at once'
  },
  zh: {
    'tokens.intro': '为客户端分发的令牌，每个令牌有自己的限额、模型、协议、来源地址和过期时间。ALLOWED_TOKENS 仍然有效，视为不限额的令牌。',
    'tokens.create': '创建令牌',
    'tokens.refresh': '刷新',
    'tokens.col.name': '名称',
    'tokens.col.token': '令牌',
    'tokens.col.status': '状态',
    'tokens.col.limits': '限额',
    'tokens.col.scope': '模型 · 协议 · 地址',
    'tokens.col.expires': '过期时间',
    'tokens.col.actions': '操作',
    'tokens.status.active': '有效',
    'tokens.status.disabled': '已停用',
    'tokens.status.expired': '已过期',
    'tokens.status.revoked': '已吊销',
    'tokens.none': '还没有令牌',
    'tokens.unlimited': '不限额',
    'tokens.allModels': '全部模型',
    'tokens.allProtocols': '全部协议',
    'tokens.anyAddress': '任意地址',
    'tokens.never': '永不过期',
    'tokens.edit': '编辑',
    'tokens.rotate': '轮换',
    'tokens.revoke': '吊销',
    'tokens.save': '保存',
    'tokens.createTitle': '创建令牌',
    'tokens.editTitle': '编辑令牌 {name}',
    'tokens.f.name': '名称',
    'tokens.f.models': '模型',
    'tokens.f.modelsHint': '每行一个：完整名称或通配符，如 gemini-2.5-*。留空：全部模型。',
    'tokens.f.protocols': '协议',
    'tokens.f.protocolsHint': '都不勾选：全部协议。',
    'tokens.f.limits': '限额（留空：不限）',
    'tokens.f.rpm': '每分钟请求数',
    'tokens.f.rpd': '每天请求数',
    'tokens.f.tpm': '每分钟 token 数',
    'tokens.f.tpd': '每天 token 数',
    'tokens.f.max_concurrent': '同时进行的请求数',
    'tokens.f.expires': '过期时间（本地时间；留空：永不过期）',
    'tokens.f.cidrs': '允许的客户端地址',
    'tokens.f.cidrsHint': '每行一个：10.0.0.0/8、2001:db8::/32 或单个地址。留空：任意地址。',
    'tokens.f.enabled': '启用',
    'tokens.valueTitle': '新令牌',
    'tokens.valueWarning': '请立即复制此令牌。它只显示这一次：网关只保存它的哈希值。',
    'tokens.copy': '复制',
    'tokens.created': '已创建令牌 {name}',
    'tokens.saved': '已保存令牌 {name}',
    'tokens.rotateConfirm': '为令牌 {name} 生成新值？当前的值将立即失效。',
    'tokens.revokeConfirm': '吊销令牌 {name}？它将立即失效，且不能再启用。',
    'tokens.revoked': '已吊销令牌 {name}',
    'tokens.perMinute': '{n} 次/分钟',
    'tokens.perDay': '{n} 次/天',
    'tokens.tokensPerMinute': '{n} token/分钟',
    'tokens.tokensPerDay': '{n} token/天',
    'tokens.concurrent': '同时 {n} 个'
  }
}, function () {
  'use strict';

  var LIMITS = ['rpm', 'rpd', 'tpm', 'tpd', 'max_concurrent'];
  var LIMIT_TEXT = { rpm: 'tokens.perMinute', rpd: 'tokens.perDay', tpm: 'tokens.tokensPerMinute',
    tpd: 'tokens.tokensPerDay', max_concurrent: 'tokens.concurrent' };
  var PROTOCOLS = ['native', 'openai', 'anthropic'];
  var STATUS_BADGE = { active: 'ok', disabled: 'warn', expired: 'warn', revoked: 'bad' };
  var tokens = [];

  function load() {
    return GB.api('GET', '/api/tokens').then(function (data) {
      tokens = (data && data.tokens) || [];
      render();
    }, function (err) { GB.toast(err.message, 'error'); });
  }

  function render() {
    var body = GB.$('#tokens-body');
    if (!tokens.length) {
      GB.fill(body, GB.el('tr', {}, GB.el('td', { colspan: 7, class: 'empty', text: GB.t('tokens.none') })));
      return;
    }
    GB.fill(body, tokens.map(row));
  }

  function limitsText(limits) {
    var parts = LIMITS.filter(function (name) { return limits && limits[name] !== null && limits[name] !== undefined; })
      .map(function (name) { return GB.t(LIMIT_TEXT[name], { n: GB.fmtNum(limits[name]) }); });
    return parts.length ? parts.join(' · ') : GB.t('tokens.unlimited');
  }

  function scopeText(t) {
    return [t.models.length ? t.models.join(', ') : GB.t('tokens.allModels'),
      t.protocols.length ? t.protocols.join(', ') : GB.t('tokens.allProtocols'),
      t.cidrs.length ? t.cidrs.join(', ') : GB.t('tokens.anyAddress')].join(' · ');
  }

  function row(t) {
    var revoked = t.status === 'revoked';
    return GB.el('tr', { 'data-id': t.id, 'data-status': t.status },
      GB.el('td', { text: t.name }),
      GB.el('td', { class: 'mono nowrap', text: t.value_hint }),
      GB.el('td', {}, GB.el('span', { class: 'badge ' + (STATUS_BADGE[t.status] || 'muted'),
        text: GB.t('tokens.status.' + t.status) })),
      GB.el('td', { class: 'limits', text: limitsText(t.limits) }),
      GB.el('td', { text: scopeText(t) }),
      GB.el('td', { class: 'nowrap', text: t.expires_at ? GB.fmtTime(t.expires_at) : GB.t('tokens.never') }),
      GB.el('td', { class: 'nowrap' }, revoked ? null : [
        GB.el('button', { type: 'button', class: 'btn btn-small act-edit', text: GB.t('tokens.edit'),
          onclick: function () { form(t); } }),
        GB.el('button', { type: 'button', class: 'btn btn-small act-rotate', text: GB.t('tokens.rotate'),
          onclick: function () { rotate(t); } }),
        GB.el('button', { type: 'button', class: 'btn btn-small btn-danger act-revoke', text: GB.t('tokens.revoke'),
          onclick: function () { revoke(t); } })
      ]));
  }

  function field(id, labelKey, control, hintKey) {
    return GB.el('div', { class: 'field' },
      GB.el('label', { for: id, text: GB.t(labelKey) }), control,
      hintKey ? GB.el('span', { class: 'hint', text: GB.t(hintKey) }) : null);
  }

  function lines(text) {
    return text.split(/[\n,]/).map(function (s) { return s.trim(); }).filter(function (s) { return s; });
  }

  /** datetime-local wants local time without a zone: YYYY-MM-DDTHH:mm. */
  function localInput(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    function pad(n) { return n < 10 ? '0' + n : String(n); }
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':'
      + pad(d.getMinutes());
  }

  /** The create dialog (t absent) or the edit dialog of t; an edit sends only the fields changed. */
  function form(t) {
    var name = GB.el('input', { id: 'tk-name', type: 'text', maxlength: 100, autocomplete: 'off', value: t ? t.name : '' });
    var models = GB.el('textarea', { id: 'tk-models', rows: 3, spellcheck: 'false', value: t ? t.models.join('\n') : '' });
    var protocols = PROTOCOLS.map(function (p) {
      return GB.el('label', { class: 'nowrap' }, GB.el('input', { type: 'checkbox', id: 'tk-proto-' + p, value: p,
        checked: t ? t.protocols.indexOf(p) >= 0 : false }), ' ' + p);
    });
    var limitInputs = {};
    var limitFields = LIMITS.map(function (l) {
      limitInputs[l] = GB.el('input', { id: 'tk-' + l, type: 'number', min: 1, step: 1, inputmode: 'numeric',
        value: t && t.limits[l] !== null && t.limits[l] !== undefined ? String(t.limits[l]) : '' });
      return field('tk-' + l, 'tokens.f.' + l, limitInputs[l]);
    });
    var expires = GB.el('input', { id: 'tk-expires', type: 'datetime-local', value: t ? localInput(t.expires_at) : '' });
    var cidrs = GB.el('textarea', { id: 'tk-cidrs', rows: 3, spellcheck: 'false', value: t ? t.cidrs.join('\n') : '' });
    var enabled = GB.el('input', { id: 'tk-enabled', type: 'checkbox', checked: t ? t.enabled : true });
    var error = GB.el('p', { id: 'tk-error', class: 'field-error', role: 'alert' });
    var controls = { name: name, models: models, expires_at: expires, cidrs: cidrs, enabled: enabled };
    LIMITS.forEach(function (l) { controls['limits.' + l] = limitInputs[l]; });

    function body() {
      var limits = {};
      LIMITS.forEach(function (l) {
        var v = limitInputs[l].value.trim();
        limits[l] = v === '' ? null : Number(v);
      });
      var all = {
        name: name.value.trim(),
        models: lines(models.value),
        protocols: PROTOCOLS.filter(function (p) { return GB.$('#tk-proto-' + p, box).checked; }),
        limits: limits,
        expires_at: expires.value ? new Date(expires.value).toISOString() : null,
        cidrs: lines(cidrs.value),
        enabled: enabled.checked
      };
      if (!t) { return all; }
      var original = { name: t.name, models: t.models, protocols: t.protocols, limits: t.limits,
        expires_at: t.expires_at ? localInput(t.expires_at) : '', cidrs: t.cidrs, enabled: t.enabled };
      var changed = {};
      Object.keys(all).forEach(function (k) {
        var now = k === 'expires_at' ? expires.value : all[k];
        if (JSON.stringify(now) !== JSON.stringify(original[k])) { changed[k] = all[k]; }
      });
      return changed;
    }

    var box = GB.el('div', { class: 'token-form' },
      field('tk-name', 'tokens.f.name', name),
      field('tk-models', 'tokens.f.models', models, 'tokens.f.modelsHint'),
      GB.el('div', { class: 'field' }, GB.el('label', { text: GB.t('tokens.f.protocols') }),
        GB.el('div', { class: 'row' }, protocols), GB.el('span', { class: 'hint', text: GB.t('tokens.f.protocolsHint') })),
      GB.el('fieldset', { class: 'field' }, GB.el('legend', { text: GB.t('tokens.f.limits') }), limitFields),
      field('tk-expires', 'tokens.f.expires', expires),
      field('tk-cidrs', 'tokens.f.cidrs', cidrs, 'tokens.f.cidrsHint'),
      GB.el('label', { class: 'nowrap' }, enabled, ' ' + GB.t('tokens.f.enabled')),
      error);

    GB.modal(t ? GB.t('tokens.editTitle', { name: t.name }) : GB.t('tokens.createTitle'), box, [
      { text: GB.t('common.cancel') },
      { text: t ? GB.t('tokens.save') : GB.t('tokens.create'), kind: 'primary', onClick: function (dialog) {
        Object.keys(controls).forEach(function (k) { controls[k].classList.remove('invalid'); });
        GB.fill(error);
        var sent = body();
        if (t && !Object.keys(sent).length) { dialog.close(); return; }
        var call = t ? GB.api('PATCH', '/api/tokens/' + encodeURIComponent(t.id), sent) : GB.api('POST', '/api/tokens', sent);
        call.then(function (answer) {
          dialog.close();
          if (t) {
            GB.toast(GB.t('tokens.saved', { name: answer.name }));
            load();
          } else {
            GB.toast(GB.t('tokens.created', { name: answer.name }));
            showValue(answer);
          }
        }, function (err) {
          var field = err.field ? err.field.replace(/\[\d+\]$/, '') : null;
          var control = field && controls[field];
          if (control) { control.classList.add('invalid'); }
          GB.fill(error, err.message);
        });
      } }
    ]);
  }

  /** The one time a value is shown; closing the dialog forgets it. */
  function showValue(answer) {
    var value = GB.el('input', { id: 'token-value', class: 'mono', type: 'text', readonly: true, value: answer.value,
      size: 56, 'aria-label': GB.t('tokens.col.token') });
    var dialog = GB.modal(GB.t('tokens.valueTitle'), GB.el('div', {},
      GB.el('p', { class: 'field-error', id: 'token-warning', text: GB.t('tokens.valueWarning') }),
      GB.el('div', { class: 'row' }, value,
        GB.el('button', { type: 'button', class: 'btn btn-primary', id: 'btn-copy-value', text: GB.t('tokens.copy'),
          onclick: function () { GB.copy(value.value); } }))), [{ text: GB.t('common.close') }]);
    value.select();
    dialog.onClose = function () {
      value.value = '';
      load();
    };
  }

  function rotate(t) {
    GB.confirm(GB.t('tokens.rotateConfirm', { name: t.name }), true).then(function (ok) {
      if (!ok) { return; }
      GB.api('POST', '/api/tokens/' + encodeURIComponent(t.id) + '/rotate').then(showValue,
        function (err) { GB.toast(err.message, 'error'); });
    });
  }

  function revoke(t) {
    GB.confirm(GB.t('tokens.revokeConfirm', { name: t.name }), true).then(function (ok) {
      if (!ok) { return; }
      GB.api('POST', '/api/tokens/' + encodeURIComponent(t.id) + '/revoke').then(function () {
        GB.toast(GB.t('tokens.revoked', { name: t.name }));
        load();
      }, function (err) { GB.toast(err.message, 'error'); });
    });
  }

  GB.$('#btn-create').addEventListener('click', function () { form(null); });
  GB.$('#btn-refresh').addEventListener('click', load);
  document.addEventListener('gb:lang', render);
  load();
});
