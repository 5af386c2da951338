/*
 * The config page: every setting of the catalogue (GET /api/config), grouped in tabs, each with an
 * input fitting its type. Only changed settings are sent (PUT /api/config), after the same checks
 * the server makes for type and range; the server's 400 names the setting and is shown beside it.
 * Secrets arrive masked and are shown only through POST /api/config/reveal, which is audited.
 * Setting names, values, descriptions and server messages go into the DOM as text, never markup.
 */
(function () {
  'use strict';

  var MESSAGES = {
    en: {
      'config.filter': 'Find a setting',
      'config.save': 'Save',
      'config.discard': 'Discard changes',
      'config.saving': 'Saving…',
      'config.saved': 'Saved and applied',
      'config.savedRestart': 'Saved. These apply after a restart: {names}',
      'config.noChanges': 'No unsaved changes',
      'config.dirty': '{n} unsaved change(s)',
      'config.fixErrors': 'Fix the marked settings; nothing was saved',
      'config.notSaved': 'Not saved: {message}',
      'config.unsavedLeave': 'You have unsaved changes.',
      'config.source.DEFAULT': 'default',
      'config.source.ENV': 'environment',
      'config.source.SAVED': 'saved',
      'config.sourceTitle.DEFAULT': 'No value set: the built-in default applies',
      'config.sourceTitle.ENV': 'Set by the environment (.env or the process environment)',
      'config.sourceTitle.SAVED': 'Saved from this page; it overrides the environment',
      'config.restart': 'restart needed',
      'config.restartTitle': 'A change applies only after the gateway restarts',
      'config.envOnly': 'environment only',
      'config.envOnlyTitle': 'Set in the environment (.env); shown here read-only',
      'config.secret': 'secret',
      'config.default': 'Default: {value}',
      'config.defaultEmpty': 'Default: (empty)',
      'config.defaultOn': 'Default: on',
      'config.defaultOff': 'Default: off',
      'config.revert': 'Revert to environment',
      'config.revertConfirm': 'Remove the saved value of {name}? The environment\'s value (or the default) applies again at once.',
      'config.reverted': '{name}: the environment\'s value (or the default) applies again',
      'config.reveal': 'Reveal',
      'config.revealTitle': 'Show the value in clear (the audit log records who did)',
      'config.revealToEdit': 'Reveal to edit',
      'config.secretKeep': 'Hidden ({masked}); type a new value to replace it',
      'config.secretUnset': 'Not set; type a value to set it',
      'config.set': '(set)',
      'config.unset': '(not set)',
      'config.on': 'On',
      'config.off': 'Off',
      'config.listHint': 'One item per line',
      'config.mapKey': 'Name',
      'config.mapValue': 'Value',
      'config.mapAdd': 'Add row',
      'config.mapRemove': 'Remove row',
      'config.apiKeys': '{n} keys in the pool. Add, verify, reveal and delete keys on the Keys page.',
      'config.apiKeysUnknown': 'Keys are added, verified, revealed and deleted on the Keys page.',
      'config.apiKeysLink': 'Open the Keys page',
      'config.warnings': 'Warnings',
      'config.nothingFound': 'No setting matches',
      'config.all': 'All',
      'config.err.int': '{name}: must be a whole number from {min} to {max}',
      'config.err.number': '{name}: must be a number from {min} to {max}',
      'config.err.url': '{name}: must be an http:// or https:// URL',
      'config.err.jsonArray': '{name}: must be a JSON list, e.g. [{"category": "…", "threshold": "…"}]',
      'config.err.mapKey': '{name}: row {row} has a value but no name',
      'config.err.mapDuplicate': '{name}: "{key}" appears twice',
      'config.err.required': '{name}: must not be empty'
    },
    zh: {
      'config.filter': '查找设置项',
      'config.save': '保存',
      'config.discard': '放弃更改',
      'config.saving': '正在保存…',
      'config.saved': '已保存并生效',
      'config.savedRestart': '已保存。以下设置需重启后生效：{names}',
      'config.noChanges': '没有未保存的更改',
      'config.dirty': '{n} 项未保存的更改',
      'config.fixErrors': '请修正标出的设置项；未保存任何内容',
      'config.notSaved': '未保存：{message}',
      'config.unsavedLeave': '有未保存的更改。',
      'config.source.DEFAULT': '默认值',
      'config.source.ENV': '环境变量',
      'config.source.SAVED': '已保存',
      'config.sourceTitle.DEFAULT': '未设置：使用内置默认值',
      'config.sourceTitle.ENV': '由环境变量（.env 或进程环境）设置',
      'config.sourceTitle.SAVED': '在此页面保存，优先于环境变量',
      'config.restart': '需重启',
      'config.restartTitle': '更改在网关重启后才生效',
      'config.envOnly': '仅环境变量',
      'config.envOnlyTitle': '在环境变量（.env）中设置；此处只读',
      'config.secret': '敏感',
      'config.default': '默认值：{value}',
      'config.defaultEmpty': '默认值：（空）',
      'config.defaultOn': '默认值：开启',
      'config.defaultOff': '默认值：关闭',
      'config.revert': '恢复为环境变量',
      'config.revertConfirm': '删除 {name} 的已保存值？将立即改用环境变量的值（或默认值）。',
      'config.reverted': '{name}：已恢复为环境变量的值（或默认值）',
      'config.reveal': '显示',
      'config.revealTitle': '明文显示（审计日志会记录操作者）',
      'config.revealToEdit': '显示后编辑',
      'config.secretKeep': '已隐藏（{masked}）；输入新值即可替换',
      'config.secretUnset': '未设置；输入一个值即可设置',
      'config.set': '（已设置）',
      'config.unset': '（未设置）',
      'config.on': '开启',
      'config.off': '关闭',
      'config.listHint': '每行一项',
      'config.mapKey': '名称',
      'config.mapValue': '值',
      'config.mapAdd': '添加一行',
      'config.mapRemove': '删除此行',
      'config.apiKeys': '密钥池中有 {n} 个密钥。请在“密钥”页面添加、验证、显示和删除密钥。',
      'config.apiKeysUnknown': '请在“密钥”页面添加、验证、显示和删除密钥。',
      'config.apiKeysLink': '打开密钥页面',
      'config.warnings': '警告',
      'config.nothingFound': '没有匹配的设置项',
      'config.all': '全部',
      'config.err.int': '{name}：必须是 {min} 到 {max} 之间的整数',
      'config.err.number': '{name}：必须是 {min} 到 {max} 之间的数字',
      'config.err.url': '{name}：必须是 http:// 或 https:// 开头的网址',
      'config.err.jsonArray': '{name}：必须是 JSON 列表，例如 [{"category": "…", "threshold": "…"}]',
      'config.err.mapKey': '{name}：第 {row} 行有值但没有名称',
      'config.err.mapDuplicate': '{name}：“{key}”出现了两次',
      'config.err.required': '{name}：不能为空'
    }
  };

  /** The last answer of GET/PUT /api/config, and the controls built from it (name -> control). */
  var state = { config: null, controls: {}, order: [], tab: null, keyCount: null };

  GB.page('config', MESSAGES, function () {
    GB.$('#cfg-form').addEventListener('submit', function (e) { e.preventDefault(); save(); });
    GB.$('#cfg-discard').addEventListener('click', function () { render(state.config); });
    GB.$('#cfg-filter').addEventListener('input', GB.debounce(applyFilter, 120));
    document.addEventListener('gb:lang', relabel);
    window.addEventListener('beforeunload', function (e) {
      if (dirtyNames().length) {
        e.preventDefault();
        e.returnValue = GB.t('config.unsavedLeave');
        return e.returnValue;
      }
      return undefined;
    });
    window.addEventListener('hashchange', function () { selectTab(location.hash.substring(1)); });
    load();
    loadKeyCount();
  });

  function load() {
    return GB.api('GET', '/api/config').then(render, function (err) {
      GB.fill(GB.$('#content'), GB.el('p', { class: 'field-error', text: err.message }));
    });
  }

  /** The pool's size for the API_KEYS row, from the health report (GET /api/config has no count). */
  function loadKeyCount() {
    GB.api('GET', '/health').then(function (health) {
      state.keyCount = health && health.keys && typeof health.keys.total === 'number' ? health.keys.total : null;
      var control = state.controls.API_KEYS;
      if (control && control.refresh) { control.refresh(); }
    }, function () { /* the row keeps its text without a count */ });
  }

  // ---- text in the current language ------------------------------------------------------

  /** An element whose text is the catalogue's English or Chinese, switched with the language. */
  function bilingual(tag, cls, en, zh) {
    var el = GB.el(tag, { class: cls, 'data-text-en': en || '', 'data-text-zh': zh || en || '' });
    el.textContent = GB.lang() === 'zh' ? (zh || en || '') : (en || '');
    return el;
  }

  /** An element whose text is a message with variables, redrawn when the language switches. */
  function message(tag, cls, key, vars) {
    var el = GB.el(tag, { class: cls, text: GB.t(key, vars) });
    el.gbMessage = { key: key, vars: vars };
    el.setAttribute('data-gb-message', '');
    return el;
  }

  function relabel() {
    var zh = GB.lang() === 'zh';
    GB.$$('[data-text-en]').forEach(function (el) {
      el.textContent = zh ? el.getAttribute('data-text-zh') : el.getAttribute('data-text-en');
    });
    GB.$$('[data-gb-message]').forEach(function (el) {
      if (el.gbMessage) { el.textContent = GB.t(el.gbMessage.key, el.gbMessage.vars); }
    });
    GB.$$('[data-gb-placeholder]').forEach(function (el) {
      el.setAttribute('placeholder', GB.t(el.gbPlaceholder.key, el.gbPlaceholder.vars));
    });
    updateDirty();
  }

  // ---- values ----------------------------------------------------------------------------

  /** A list setting's items: a JSON list or comma-separated text, as the environment takes it. */
  function parseList(text) {
    var t = (text || '').trim();
    if (!t) { return []; }
    if (t.charAt(0) === '[') {
      try {
        var parsed = JSON.parse(t);
        if (Array.isArray(parsed)) { return parsed.map(function (x) { return String(x).trim(); }).filter(Boolean); }
      } catch (e) { /* fall through: the environment's lenient list */ }
      t = t.replace(/^\[|\]$/g, '');
    }
    return t.split(',').map(function (x) { return x.trim().replace(/^["']|["']$/g, ''); }).filter(Boolean);
  }

  function linesOf(text) {
    return (text || '').split(/\r?\n/).map(function (x) { return x.trim(); }).filter(Boolean);
  }

  function parseObject(text) {
    var t = (text || '').trim();
    if (!t) { return {}; }
    try {
      var parsed = JSON.parse(t);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
    } catch (e) {
      return null;
    }
  }

  /** A map value as typed: JSON numbers, lists and objects as such, anything else as text. */
  function mapValue(text, stringsOnly) {
    var t = text.trim();
    if (!stringsOnly && /^(-?\d|\[|\{|true$|false$)/.test(t)) {
      try { return JSON.parse(t); } catch (e) { /* text */ }
    }
    return t;
  }

  function isTrue(value) {
    return /^(true|1|yes|on)$/i.test(String(value || '').trim());
  }

  function hasRange(s) {
    return typeof s.min === 'number' && typeof s.max === 'number';
  }

  // ---- controls --------------------------------------------------------------------------

  /**
   * One control per setting: {row, value() -> normalised text to compare, payload() -> what PUT
   * sends, validate() -> message or null, showError(text), focus()}.
   */
  function buildControl(s) {
    var id = 'cfg-' + s.name;
    var type = s.type || (s.secret ? 'secret' : 'string');
    var control;
    if (s.name === 'API_KEYS') {
      control = apiKeysControl(s);
    } else if (!s.editable) {
      control = readOnlyControl(s, id);
    } else if (type === 'bool') {
      control = boolControl(s, id);
    } else if (type === 'int' || type === 'decimal') {
      control = numberControl(s, id, type === 'int');
    } else if (type === 'enum') {
      control = enumControl(s, id);
    } else if (type === 'list') {
      control = listControl(s, id, false);
    } else if (type === 'secret_list') {
      control = listControl(s, id, true);
    } else if (type === 'map') {
      control = mapControl(s, id);
    } else if (type === 'json_array') {
      control = jsonArrayControl(s, id);
    } else if (type === 'secret' || s.secret) {
      control = secretControl(s, id);
    } else {
      control = textControl(s, id, type);
    }
    control.setting = s;
    control.initial = control.value();
    control.error = GB.el('div', { class: 'field-error hidden', id: id + '-error', role: 'alert' });
    control.showError = function (text) {
      control.error.textContent = text || '';
      control.error.classList.toggle('hidden', !text);
      (control.inputs || []).forEach(function (input) {
        input.classList.toggle('invalid', !!text);
        if (text) { input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
      });
    };
    control.row = rowFor(s, id, control);
    return control;
  }

  function rowFor(s, id, control) {
    var head = GB.el('div', { class: 'cfg-head' },
      GB.el('label', { class: 'cfg-name', for: control.labelFor === false ? null : id, text: s.name }),
      sourceBadge(s),
      s.editable && s.restart ? GB.el('span', { class: 'badge warn', 'data-i18n': 'config.restart',
        'data-i18n-title': 'config.restartTitle', title: GB.t('config.restartTitle'), text: GB.t('config.restart') }) : null,
      !s.editable ? GB.el('span', { class: 'badge muted', 'data-i18n': 'config.envOnly',
        'data-i18n-title': 'config.envOnlyTitle', title: GB.t('config.envOnlyTitle'), text: GB.t('config.envOnly') }) : null);
    var about = GB.el('div', {}, head,
      bilingual('p', 'cfg-desc', s.description, s.description_zh),
      defaultLine(s));
    var actions = GB.el('div', { class: 'cfg-actions' }, control.actions || []);
    if (s.editable && s.source === 'SAVED' && s.name !== 'API_KEYS') {
      actions.appendChild(GB.el('button', { type: 'button', class: 'btn btn-small cfg-revert', 'data-setting': s.name,
        'data-i18n': 'config.revert', text: GB.t('config.revert'), onclick: function () { revert(s.name); } }));
    }
    var input = GB.el('div', { class: 'cfg-input' }, control.element, control.error,
      actions.childNodes.length ? actions : null);
    var row = GB.el('div', { class: 'cfg-row', id: id + '-row', 'data-setting': s.name }, about, input);
    row.addEventListener('input', function () { onEdit(control); });
    row.addEventListener('change', function () { onEdit(control); });
    return row;
  }

  function sourceBadge(s) {
    var kind = { DEFAULT: 'muted', ENV: 'warn', SAVED: 'ok' }[s.source] || 'muted';
    return GB.el('span', { class: 'badge cfg-source ' + kind, 'data-source': s.source,
      'data-i18n': 'config.source.' + s.source, 'data-i18n-title': 'config.sourceTitle.' + s.source,
      title: GB.t('config.sourceTitle.' + s.source), text: GB.t('config.source.' + s.source) });
  }

  function defaultLine(s) {
    if (s.secret || s['default'] === undefined || s['default'] === null || s.name === 'API_KEYS') { return null; }
    var shown = String(s['default']);
    if (s.type === 'bool') { return message('div', 'cfg-default', isTrue(shown) ? 'config.defaultOn' : 'config.defaultOff'); }
    return shown === '' ? message('div', 'cfg-default', 'config.defaultEmpty')
      : message('div', 'cfg-default', 'config.default', { value: shown.length > 300 ? shown.substring(0, 300) + '…' : shown });
  }

  function apiKeysControl(s) {
    var text = GB.el('p', { class: 'cfg-readonly' });
    var control = {
      element: GB.el('div', {}, text, GB.el('a', { class: 'btn btn-small', href: '/keys', 'data-i18n': 'config.apiKeysLink',
        text: GB.t('config.apiKeysLink') })),
      inputs: [],
      labelFor: false,
      value: function () { return ''; },
      validate: function () { return null; },
      focus: function () {},
      refresh: function () {
        GB.fill(text, state.keyCount === null ? message('span', '', 'config.apiKeysUnknown')
          : message('span', '', 'config.apiKeys', { n: GB.fmtNum(state.keyCount) }));
      }
    };
    control.refresh();
    return control;
  }

  function readOnlyControl(s, id) {
    var shown = s.value === null || s.value === undefined || s.value === '' ? GB.t('config.unset')
      : s.secret ? GB.t('config.set') : String(s.value);
    var input = GB.el('input', { type: 'text', id: id, name: s.name, value: shown, readonly: true, disabled: true,
      class: 'mono' });
    return { element: input, inputs: [input], value: function () { return ''; }, validate: function () { return null; },
      focus: function () { input.focus(); } };
  }

  function boolControl(s, id) {
    var box = GB.el('input', { type: 'checkbox', id: id, name: s.name, checked: isTrue(s.value) });
    var label = message('span', '', isTrue(s.value) ? 'config.on' : 'config.off');
    box.addEventListener('change', function () {
      label.gbMessage.key = box.checked ? 'config.on' : 'config.off';
      label.textContent = GB.t(label.gbMessage.key);
    });
    return {
      element: GB.el('label', { class: 'cfg-switch' }, box, label),
      inputs: [box],
      value: function () { return box.checked ? 'true' : 'false'; },
      payload: function () { return box.checked; },
      validate: function () { return null; },
      focus: function () { box.focus(); }
    };
  }

  function numberControl(s, id, whole) {
    var input = GB.el('input', { type: 'number', id: id, name: s.name, value: s.value === null ? '' : s.value,
      min: hasRange(s) ? s.min : null, max: hasRange(s) ? s.max : null, step: whole ? 1 : 'any', inputmode: whole ? 'numeric' : 'decimal' });
    return {
      element: input,
      inputs: [input],
      value: function () { return input.value.trim(); },
      payload: function () { return Number(input.value.trim()); },
      validate: function () {
        var t = input.value.trim();
        var n = Number(t);
        var shape = whole ? /^[+-]?\d+$/.test(t) : t !== '' && isFinite(n);
        var inRange = !hasRange(s) || (n >= s.min && n <= s.max);
        if (shape && inRange) { return null; }
        return GB.t(whole ? 'config.err.int' : 'config.err.number', { name: s.name,
          min: hasRange(s) ? GB.fmtNum(s.min) : '-∞', max: hasRange(s) ? GB.fmtNum(s.max) : '∞' });
      },
      focus: function () { input.focus(); }
    };
  }

  function enumControl(s, id) {
    var allowed = s.allowed || [];
    var current = allowed.filter(function (a) { return String(a).toLowerCase() === String(s.value || '').toLowerCase(); })[0];
    var select = GB.el('select', { id: id, name: s.name }, allowed.map(function (a) {
      return GB.el('option', { value: a, text: a, selected: a === current });
    }));
    if (current === undefined && s.value) {
      // A value the catalogue does not list (set in the environment): shown, not silently replaced.
      select.insertBefore(GB.el('option', { value: s.value, text: s.value, selected: true }), select.firstChild);
    }
    return {
      element: select,
      inputs: [select],
      value: function () { return select.value; },
      payload: function () { return select.value; },
      validate: function () { return null; },
      focus: function () { select.focus(); }
    };
  }

  function textControl(s, id, type) {
    var input = GB.el('input', { type: type === 'url' ? 'url' : 'text', id: id, name: s.name,
      value: s.value === null ? '' : s.value, autocomplete: 'off', spellcheck: 'false',
      list: type === 'zone' ? zoneList() : null });
    return {
      element: input,
      inputs: [input],
      value: function () { return input.value.trim(); },
      payload: function () { return input.value.trim(); },
      validate: function () {
        var t = input.value.trim();
        if (type === 'url' && !/^https?:\/\/[^\s/?#]+\S*$/i.test(t)) { return GB.t('config.err.url', { name: s.name }); }
        if ((type === 'url' || type === 'zone') && !t) { return GB.t('config.err.required', { name: s.name }); }
        return null;
      },
      focus: function () { input.focus(); }
    };
  }

  /** A datalist of the browser's time zones, for suggestions (the server decides what is valid). */
  function zoneList() {
    if (GB.$('#cfg-zones')) { return 'cfg-zones'; }
    var zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    document.body.appendChild(GB.el('datalist', { id: 'cfg-zones' }, zones.map(function (z) {
      return GB.el('option', { value: z });
    })));
    return 'cfg-zones';
  }

  function jsonArrayControl(s, id) {
    var area = GB.el('textarea', { id: id, name: s.name, value: s.value || '', spellcheck: 'false', rows: 4 });
    return {
      element: area,
      inputs: [area],
      value: function () { return area.value.trim(); },
      payload: function () { return area.value.trim(); },
      validate: function () {
        var t = area.value.trim();
        if (!t) { return null; }
        try {
          if (Array.isArray(JSON.parse(t))) { return null; }
        } catch (e) { /* below */ }
        return GB.t('config.err.jsonArray', { name: s.name });
      },
      focus: function () { area.focus(); }
    };
  }

  /** A reveal button for a secret: fetches the value (audited), then calls done(value). */
  function revealButton(s, done) {
    var button = GB.el('button', { type: 'button', class: 'btn btn-small cfg-reveal', 'data-setting': s.name,
      'data-i18n': 'config.reveal', 'data-i18n-title': 'config.revealTitle', title: GB.t('config.revealTitle'),
      text: GB.t('config.reveal') });
    button.addEventListener('click', function () {
      button.disabled = true;
      GB.api('POST', '/api/config/reveal', { name: s.name }).then(function (answer) {
        button.parentNode.removeChild(button);
        done(answer && answer.value !== undefined && answer.value !== null ? String(answer.value) : '');
      }, function (err) {
        button.disabled = false;
        GB.toast(err.message, 'error');
      });
    });
    return button;
  }

  /** One secret: typing replaces it; Reveal shows (and lets one edit) the value in force. */
  function secretControl(s, id) {
    var input = GB.el('input', { type: 'password', id: id, name: s.name, value: '', autocomplete: 'new-password',
      spellcheck: 'false' });
    input.gbPlaceholder = s.value ? { key: 'config.secretKeep', vars: { masked: s.value } } : { key: 'config.secretUnset' };
    input.setAttribute('data-gb-placeholder', '');
    input.setAttribute('placeholder', GB.t(input.gbPlaceholder.key, input.gbPlaceholder.vars));
    var control = {
      element: input,
      inputs: [input],
      value: function () { return input.value; },
      payload: function () { return input.value; },
      validate: function () { return null; },
      focus: function () { input.focus(); }
    };
    control.actions = s.value ? [revealButton(s, function (value) {
      input.type = 'text';
      input.value = value;
      control.initial = value;
      onEdit(control);
    })] : [];
    return control;
  }

  /** A list: one item per line. A list of secrets is shown masked and editable once revealed. */
  function listControl(s, id, secret) {
    var area = GB.el('textarea', { id: id, name: s.name, spellcheck: 'false', rows: 5, 'aria-describedby': id + '-hint',
      value: parseList(s.value).join('\n'), readonly: secret && !!s.value, class: 'cfg-list' });
    var hint = message('div', 'hint muted', 'config.listHint');
    hint.id = id + '-hint';
    var control = {
      element: GB.el('div', {}, area, hint),
      inputs: [area],
      value: function () { return JSON.stringify(linesOf(area.value)); },
      payload: function () { return linesOf(area.value); },
      validate: function () { return null; },
      focus: function () { area.focus(); }
    };
    if (secret && s.value) {
      control.actions = [revealButton(s, function (value) {
        area.readOnly = false;
        area.value = parseList(value).join('\n');
        control.initial = control.value();
        onEdit(control);
        area.focus();
      })];
    }
    return control;
  }

  /** A JSON object as name/value rows; a secret one (CUSTOM_HEADERS) is editable once revealed. */
  function mapControl(s, id) {
    var rows = GB.el('div', { class: 'cfg-map', id: id });
    var locked = s.secret && !!s.value && s.value !== '{}';
    var stringsOnly = !!s.secret;
    var initial = locked ? {} : parseObject(s.value);
    var control;
    var add = GB.el('button', { type: 'button', class: 'btn btn-small cfg-map-add', 'data-i18n': 'config.mapAdd',
      text: GB.t('config.mapAdd'), onclick: function () { addRow('', ''); onEdit(control); } });

    function addRow(key, value) {
      var keyInput = GB.el('input', { type: 'text', class: 'cfg-map-key', value: key, spellcheck: 'false',
        'data-i18n-placeholder': 'config.mapKey', placeholder: GB.t('config.mapKey'), 'aria-label': s.name + ' ' + GB.t('config.mapKey') });
      var valueInput = GB.el('input', { type: 'text', class: 'cfg-map-value', value: value, spellcheck: 'false',
        'data-i18n-placeholder': 'config.mapValue', placeholder: GB.t('config.mapValue'), 'aria-label': s.name + ' ' + GB.t('config.mapValue') });
      var row = GB.el('div', { class: 'cfg-kv' }, keyInput, valueInput,
        GB.el('button', { type: 'button', class: 'btn btn-icon', text: '×', 'data-i18n-aria-label': 'config.mapRemove',
          'aria-label': GB.t('config.mapRemove'), onclick: function () { rows.removeChild(row); onEdit(control); } }));
      rows.appendChild(row);
    }

    function entries() {
      return GB.$$('.cfg-kv', rows).map(function (row) {
        return [GB.$('.cfg-map-key', row).value.trim(), GB.$('.cfg-map-value', row).value];
      }).filter(function (e) { return e[0] !== '' || e[1].trim() !== ''; });
    }

    function fill(object) {
      GB.fill(rows);
      Object.keys(object || {}).forEach(function (k) {
        var v = object[k];
        addRow(k, typeof v === 'string' ? v : JSON.stringify(v));
      });
    }

    var raw = null;
    if (initial === null) {
      // Not a JSON object (an odd environment value): edited as text, checked by the server.
      raw = GB.el('textarea', { id: id, name: s.name, value: s.value || '', spellcheck: 'false' });
    } else if (locked) {
      rows.appendChild(GB.el('div', { class: 'cfg-readonly', text: s.value }));
    } else {
      fill(initial);
    }
    var hidden = GB.el('input', { type: 'hidden', name: s.name });
    control = {
      element: raw || GB.el('div', {}, rows, hidden),
      inputs: raw ? [raw] : [],
      labelFor: !!raw,
      value: function () {
        if (raw) { return raw.value.trim(); }
        if (locked) { return s.value; }
        var object = {};
        entries().forEach(function (e) { object[e[0]] = mapValue(e[1], stringsOnly); });
        hidden.value = JSON.stringify(object);
        return hidden.value;
      },
      payload: function () { return raw ? raw.value.trim() : JSON.parse(control.value()); },
      validate: function () {
        if (raw || locked) { return null; }
        var seen = {};
        var list = entries();
        for (var i = 0; i < list.length; i++) {
          if (!list[i][0]) { return GB.t('config.err.mapKey', { name: s.name, row: i + 1 }); }
          if (seen[list[i][0]]) { return GB.t('config.err.mapDuplicate', { name: s.name, key: list[i][0] }); }
          seen[list[i][0]] = true;
        }
        return null;
      },
      focus: function () { var first = GB.$('input, textarea', control.element); if (first) { first.focus(); } }
    };
    if (locked) {
      control.actions = [revealButton(s, function (value) {
        locked = false;
        fill(parseObject(value) || {});
        GB.$('.cfg-actions', control.row).appendChild(add);
        control.initial = control.value();
        onEdit(control);
      })];
    } else if (!raw) {
      control.actions = [add];
    }
    return control;
  }

  // ---- rendering -------------------------------------------------------------------------

  function groupsOf(config) {
    var groups = (config.groups || []).slice();
    var known = {};
    groups.forEach(function (g) { known[g.id] = true; });
    config.settings.forEach(function (s) {
      var g = s.group || 'all';
      if (!known[g]) {
        known[g] = true;
        groups.push({ id: g, en: g === 'all' ? GB.t('config.all') : g, zh: g === 'all' ? '全部' : g });
      }
    });
    return groups.filter(function (g) {
      return config.settings.some(function (s) { return (s.group || 'all') === g.id; });
    });
  }

  function render(config) {
    state.config = config;
    state.controls = {};
    state.order = [];
    var groups = groupsOf(config);
    var tabs = GB.$('#cfg-tabs');
    GB.fill(tabs, groups.map(function (g) {
      return GB.el('button', { type: 'button', class: 'tab', role: 'tab', id: 'cfg-tab-' + g.id, 'data-group': g.id,
        'aria-controls': 'cfg-panel-' + g.id, onclick: function () { selectTab(g.id, true); } },
        bilingual('span', '', g.en, g.zh), GB.el('span', { class: 'cfg-dot hidden', 'aria-hidden': 'true', text: '●' }));
    }));
    var panels = groups.map(function (g) {
      var panel = GB.el('section', { class: 'cfg-panel', id: 'cfg-panel-' + g.id, role: 'tabpanel',
        'aria-labelledby': 'cfg-tab-' + g.id, 'data-group': g.id });
      config.settings.forEach(function (s) {
        if ((s.group || 'all') !== g.id) { return; }
        var control = buildControl(s);
        control.group = g.id;
        state.controls[s.name] = control;
        state.order.push(s.name);
        panel.appendChild(control.row);
      });
      return panel;
    });
    GB.fill(GB.$('#content'), panels, message('p', 'muted cfg-empty hidden', 'config.nothingFound'));
    renderWarnings(config.warnings || []);
    var wanted = location.hash.substring(1);
    selectTab(groups.some(function (g) { return g.id === wanted; }) ? wanted
      : groups.some(function (g) { return g.id === state.tab; }) ? state.tab : (groups[0] && groups[0].id));
    applyFilter();
    updateDirty();
  }

  function renderWarnings(warnings) {
    var box = GB.$('#cfg-warnings');
    box.classList.toggle('hidden', !warnings.length);
    GB.fill(box, message('strong', '', 'config.warnings'),
      GB.el('ul', {}, warnings.map(function (w) { return GB.el('li', { text: w }); })));
  }

  function selectTab(id, fromClick) {
    if (!id || !GB.$('#cfg-panel-' + id)) { return; }
    state.tab = id;
    var tabs = GB.$('#cfg-tabs');
    GB.$$('.tab', tabs).forEach(function (tab) {
      var active = tab.getAttribute('data-group') === id;
      tab.classList.toggle('active', active);
      tab.setAttribute('aria-selected', active ? 'true' : 'false');
      // On a phone the tab row scrolls sideways: keep the selected tab in sight.
      if (active && (tab.offsetLeft < tabs.scrollLeft || tab.offsetLeft + tab.offsetWidth > tabs.scrollLeft + tabs.clientWidth)) {
        tabs.scrollLeft = Math.max(0, tab.offsetLeft - 16);
      }
    });
    if (fromClick && location.hash !== '#' + id) { history.replaceState(null, '', '#' + id); }
    applyFilter();
  }

  /** With a search text every tab's matching settings show; without, the selected tab's. */
  function applyFilter() {
    var q = GB.$('#cfg-filter').value.trim().toLowerCase();
    var shown = 0;
    GB.$$('.cfg-panel').forEach(function (panel) {
      var any = false;
      GB.$$('.cfg-row', panel).forEach(function (row) {
        var match = !q || row.textContent.toLowerCase().indexOf(q) >= 0;
        row.classList.toggle('hidden', !match);
        any = any || match;
      });
      var visible = q ? any : panel.getAttribute('data-group') === state.tab;
      panel.classList.toggle('hidden', !visible);
      if (visible && any) { shown++; }
    });
    GB.$('#cfg-tabs').classList.toggle('hidden', !!q);
    var empty = GB.$('.cfg-empty');
    if (empty) { empty.classList.toggle('hidden', shown > 0); }
  }

  // ---- editing and saving ----------------------------------------------------------------

  function onEdit(control) {
    control.showError(null);
    updateDirty();
  }

  function dirtyNames() {
    return state.order.filter(function (name) {
      var c = state.controls[name];
      return c.payload && c.value() !== c.initial;
    });
  }

  function updateDirty() {
    var dirty = dirtyNames();
    var marked = {};
    state.order.forEach(function (name) {
      var changed = dirty.indexOf(name) >= 0;
      state.controls[name].row.classList.toggle('changed', changed);
      if (changed) { marked[state.controls[name].group] = true; }
    });
    GB.$$('#cfg-tabs .tab').forEach(function (tab) {
      GB.$('.cfg-dot', tab).classList.toggle('hidden', !marked[tab.getAttribute('data-group')]);
    });
    GB.$('#cfg-dirty').textContent = dirty.length ? GB.t('config.dirty', { n: dirty.length }) : GB.t('config.noChanges');
    GB.$('#cfg-savebar').classList.toggle('dirty', dirty.length > 0);
    GB.$('#cfg-save').disabled = dirty.length === 0;
    GB.$('#cfg-discard').disabled = dirty.length === 0;
  }

  /** Shows an error beside its setting, with the setting's tab selected and the input focused. */
  function showErrorAt(name, text, focus) {
    var control = state.controls[name];
    if (!control) { return false; }
    control.showError(text);
    if (focus) {
      GB.$('#cfg-filter').value = '';
      selectTab(control.group);
      control.row.scrollIntoView({ block: 'center' });
      control.focus();
    }
    return true;
  }

  function save() {
    var dirty = dirtyNames();
    if (!dirty.length) { return; }
    var first = null;
    dirty.forEach(function (name) {
      var problem = state.controls[name].validate();
      if (problem) {
        showErrorAt(name, problem, first === null);
        first = first || name;
      }
    });
    if (first) {
      GB.toast(GB.t('config.fixErrors'), 'error');
      return;
    }
    var body = {};
    dirty.forEach(function (name) { body[name] = state.controls[name].payload(); });
    var button = GB.$('#cfg-save');
    button.disabled = true;
    button.textContent = GB.t('config.saving');
    GB.api('PUT', '/api/config', body).then(function (config) {
      var restart = Array.isArray(config.restart_required) ? config.restart_required
        : dirty.filter(function (name) { return state.controls[name].setting.restart; });
      render(config);
      GB.toast(GB.t('config.saved'));
      showNotice(restart);
    }, function (err) {
      if (!(err.field && showErrorAt(err.field, err.message, true))) {
        GB.toast(GB.t('config.notSaved', { message: err.message }), 'error');
      } else {
        GB.toast(GB.t('config.fixErrors'), 'error');
      }
    }).then(function () {
      button.textContent = GB.t('config.save');
      updateDirty();
    });
  }

  function showNotice(restart) {
    var box = GB.$('#cfg-notice');
    box.classList.toggle('hidden', !restart.length);
    GB.fill(box, restart.length ? message('span', '', 'config.savedRestart', { names: restart.join(', ') }) : null);
  }

  /** DELETE /api/config/{name}, then that setting's row is redrawn; other unsaved edits stay. */
  function revert(name) {
    GB.confirm(GB.t('config.revertConfirm', { name: name })).then(function (ok) {
      if (!ok) { return null; }
      return GB.api('DELETE', '/api/config/' + encodeURIComponent(name)).then(function () {
        return GB.api('GET', '/api/config');
      }).then(function (config) {
        var fresh = config.settings.filter(function (s) { return s.name === name; })[0];
        var old = state.controls[name];
        state.config.settings = state.config.settings.map(function (s) { return s.name === name ? fresh : s; });
        var control = buildControl(fresh);
        control.group = old.group;
        state.controls[name] = control;
        old.row.parentNode.replaceChild(control.row, old.row);
        renderWarnings(config.warnings || []);
        updateDirty();
        GB.toast(GB.t('config.reverted', { name: name }));
      });
    }).catch(function (err) {
      if (!(err.field && showErrorAt(err.field, err.message, true))) { GB.toast(err.message, 'error'); }
    });
  }
})();
