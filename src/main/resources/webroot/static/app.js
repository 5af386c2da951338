/*
 * Gemini Balance admin UI: the shell every page shares (global GB). Plain ES2017, no build step
 * and nothing from a CDN. Pages build their DOM with GB.el and textContent, never innerHTML with
 * data: keys, model names and upstream error texts are attacker-influenced. The server's CSP
 * forbids inline scripts and styles, so behaviour is attached here, not in the markup.
 */
(function () {
  'use strict';

  var GB = {};
  window.GB = GB;

  var LANG_KEY = 'gb.lang';
  var STATE_CHANGING = { POST: true, PUT: true, PATCH: true, DELETE: true };
  var csrfToken = null;
  var messages = {
    en: {
      'app.name': 'Gemini Balance',
      'nav.keys': 'Keys',
      'nav.tokens': 'Client tokens',
      'nav.config': 'Config',
      'nav.logs': 'Error logs',
      'nav.stats': 'Statistics',
      'nav.logout': 'Log out',
      'nav.language': '中文',
      'nav.languageTitle': 'Switch to Chinese',
      'nav.menu': 'Menu',
      'common.ok': 'OK',
      'common.cancel': 'Cancel',
      'common.close': 'Close',
      'common.confirm': 'Please confirm',
      'common.loading': 'Loading…',
      'common.none': 'Nothing to show',
      'common.error': 'Error',
      'common.copied': 'Copied',
      'common.copyFailed': 'Could not copy; select the text and copy it by hand',
      'common.sessionExpired': 'Your session has ended; please log in again',
      'common.network': 'The gateway cannot be reached',
      'pager.prev': 'Previous',
      'pager.next': 'Next',
      'pager.page': 'Page {page} of {total}',
      'pager.go': 'Go',
      'pager.jump': 'Page number'
    },
    zh: {
      'app.name': 'Gemini Balance',
      'nav.keys': '密钥',
      'nav.tokens': '客户端令牌',
      'nav.config': '配置',
      'nav.logs': '错误日志',
      'nav.stats': '统计',
      'nav.logout': '退出登录',
      'nav.language': 'English',
      'nav.languageTitle': '切换为英文',
      'nav.menu': '菜单',
      'common.ok': '确定',
      'common.cancel': '取消',
      'common.close': '关闭',
      'common.confirm': '请确认',
      'common.loading': '加载中…',
      'common.none': '暂无数据',
      'common.error': '错误',
      'common.copied': '已复制',
      'common.copyFailed': '无法复制，请手动选择文本复制',
      'common.sessionExpired': '会话已结束，请重新登录',
      'common.network': '无法连接网关',
      'pager.prev': '上一页',
      'pager.next': '下一页',
      'pager.page': '第 {page} / {total} 页',
      'pager.go': '跳转',
      'pager.jump': '页码'
    }
  };

  // ---- i18n -------------------------------------------------------------------------------

  /** 'en' or 'zh': the saved choice, else the browser's language. */
  GB.lang = function () {
    var saved = null;
    try { saved = window.localStorage.getItem(LANG_KEY); } catch (e) { /* storage disabled */ }
    if (saved === 'en' || saved === 'zh') { return saved; }
    var nav = (navigator.language || 'en').toLowerCase();
    return nav.indexOf('zh') === 0 ? 'zh' : 'en';
  };

  /** Switches the language, re-translates the page and tells the page (event 'gb:lang') to redraw. */
  GB.setLang = function (lang) {
    try { window.localStorage.setItem(LANG_KEY, lang); } catch (e) { /* storage disabled */ }
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    GB.applyI18n(document);
    document.dispatchEvent(new CustomEvent('gb:lang', { detail: lang }));
  };

  /** Adds a page's texts: {en: {key: text}, zh: {key: text}}. */
  GB.messages = function (more) {
    Object.keys(more || {}).forEach(function (lang) {
      messages[lang] = messages[lang] || {};
      Object.keys(more[lang]).forEach(function (key) { messages[lang][key] = more[lang][key]; });
    });
  };

  /** The text of {@code key} in the current language ({name} placeholders filled from vars). */
  GB.t = function (key, vars) {
    var lang = GB.lang();
    var text = (messages[lang] && messages[lang][key]) || messages.en[key];
    if (text === undefined) { text = key; }
    if (vars) {
      text = text.replace(/\{(\w+)\}/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : all;
      });
    }
    return text;
  };

  /** Translates data-i18n (text), data-i18n-placeholder, -title and -aria-label under root. */
  GB.applyI18n = function (root) {
    var scope = root || document;
    each(scope.querySelectorAll('[data-i18n]'), function (el) { el.textContent = GB.t(el.getAttribute('data-i18n')); });
    [['data-i18n-placeholder', 'placeholder'], ['data-i18n-title', 'title'], ['data-i18n-aria-label', 'aria-label']]
      .forEach(function (pair) {
        each(scope.querySelectorAll('[' + pair[0] + ']'), function (el) {
          el.setAttribute(pair[1], GB.t(el.getAttribute(pair[0])));
        });
      });
    if (scope === document) {
      var title = document.body && document.body.getAttribute('data-title');
      document.title = (title ? GB.t(title) + ' · ' : '') + GB.t('app.name');
    }
  };

  // ---- DOM --------------------------------------------------------------------------------

  /**
   * GB.el('button', {class: 'btn', onclick: fn, 'data-id': 3, text: 'Save'}, child, ...):
   * attributes as given (functions under on* become listeners), children as nodes or text.
   */
  GB.el = function (tag, attrs) {
    var el = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (name) {
      var value = a[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === 'text') { el.textContent = String(value); }
      else if (name === 'class') { el.className = value; }
      else if (name.indexOf('on') === 0 && typeof value === 'function') { el.addEventListener(name.substring(2), value); }
      else if (name === 'value') { el.value = value; }
      else if (name === 'checked' || name === 'disabled' || name === 'selected') { el[name] = !!value; }
      else { el.setAttribute(name, value === true ? '' : String(value)); }
    });
    for (var i = 2; i < arguments.length; i++) { append(el, arguments[i]); }
    return el;
  };

  function append(parent, child) {
    if (child === null || child === undefined || child === false) { return; }
    if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); return; }
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  /** Removes every child of el, then appends the given children. */
  GB.fill = function (el) {
    while (el.firstChild) { el.removeChild(el.firstChild); }
    for (var i = 1; i < arguments.length; i++) { append(el, arguments[i]); }
    return el;
  };

  GB.$ = function (selector, root) { return (root || document).querySelector(selector); };
  GB.$$ = function (selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); };

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  // ---- formatting -------------------------------------------------------------------------

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  /** Local time as YYYY-MM-DD HH:mm:ss from an ISO string or epoch milliseconds; '' for none. */
  GB.fmtTime = function (value) {
    if (value === null || value === undefined || value === '') { return ''; }
    var d = new Date(value);
    if (isNaN(d.getTime())) { return String(value); }
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
      + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  };

  GB.fmtNum = function (n) {
    if (n === null || n === undefined || n === '') { return ''; }
    var x = Number(n);
    return isNaN(x) ? String(n) : x.toLocaleString(GB.lang() === 'zh' ? 'zh-CN' : 'en-US');
  };

  /** First 4 … last 4, as the server masks keys; shorter values are hidden whole. */
  GB.mask = function (key) {
    if (!key) { return ''; }
    var s = String(key);
    return s.length <= 12 ? '****' : s.substring(0, 4) + '...' + s.substring(s.length - 4);
  };

  /** ?a=1&b=2 from an object, leaving out empty values. */
  GB.qs = function (params) {
    var parts = [];
    Object.keys(params || {}).forEach(function (k) {
      var v = params[k];
      if (v === null || v === undefined || v === '') { return; }
      parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
    });
    return parts.length ? '?' + parts.join('&') : '';
  };

  GB.debounce = function (fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      var self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  };

  // ---- API --------------------------------------------------------------------------------

  /** A failed API call: HTTP status, the server's message and, when it names one, the field. */
  GB.ApiError = function (status, message, field) {
    this.name = 'ApiError';
    this.status = status;
    this.message = message;
    this.field = field || null;
  };
  GB.ApiError.prototype = Object.create(Error.prototype);
  GB.ApiError.prototype.constructor = GB.ApiError;

  /**
   * Calls the admin API with the session cookie (and the CSRF token on state-changing methods).
   * Resolves with the parsed JSON (null for an empty answer); rejects with GB.ApiError. A 401
   * outside the login page sends the browser back to the login page.
   */
  GB.api = function (method, path, body) {
    var m = method.toUpperCase();
    var headers = { 'Accept': 'application/json' };
    var init = { method: m, credentials: 'same-origin', headers: headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (STATE_CHANGING[m] && csrfToken) { headers['X-CSRF-Token'] = csrfToken; }
    return fetch(path, init).then(function (res) {
      var type = res.headers.get('content-type') || '';
      var read = res.status === 204 ? Promise.resolve(null)
        : type.indexOf('json') >= 0 ? res.json().catch(function () { return null; })
        : res.text();
      return read.then(function (data) {
        if (res.ok) { return data; }
        if (res.status === 401 && document.body.getAttribute('data-page') !== 'login') {
          GB.toast(GB.t('common.sessionExpired'), 'error');
          window.location.assign('/');
        }
        throw errorFrom(res.status, data);
      });
    }, function () {
      throw new GB.ApiError(0, GB.t('common.network'));
    });
  };

  /** The message of any of the error shapes the gateway answers (admin, Gemini, OpenAI). */
  function errorFrom(status, data) {
    var error = data && typeof data === 'object' ? (data.error || data) : null;
    if (error && typeof error === 'object') {
      return new GB.ApiError(status, String(error.message || error.detail || status),
        error.field || error.param || null);
    }
    return new GB.ApiError(status, typeof data === 'string' && data ? data.substring(0, 300) : 'HTTP ' + status);
  }

  /** Fetches the session (the CSRF token); resolves with it. */
  GB.session = function () {
    return GB.api('GET', '/api/session').then(function (session) {
      csrfToken = session && session.csrf_token ? session.csrf_token : null;
      return session;
    });
  };

  // ---- feedback ---------------------------------------------------------------------------

  var toasts = null;

  /** A short message at the bottom of the screen; kind 'ok' (default) or 'error'. */
  GB.toast = function (text, kind) {
    if (!toasts) {
      toasts = GB.el('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
      document.body.appendChild(toasts);
    }
    var toast = GB.el('div', { class: 'toast ' + (kind === 'error' ? 'toast-error' : 'toast-ok'), text: text });
    toasts.appendChild(toast);
    setTimeout(function () { if (toast.parentNode) { toast.parentNode.removeChild(toast); } },
      kind === 'error' ? 8000 : 3500);
  };

  /**
   * A modal dialog. buttons: [{text, kind: 'primary'|'danger'|undefined, onClick(dialog)}]; a
   * button without onClick closes it. Returns {element, close}. Escape and the backdrop close it.
   */
  GB.modal = function (title, body, buttons) {
    var previous = document.activeElement;
    var backdrop = GB.el('div', { class: 'modal-backdrop' });
    var dialog = { element: null, close: close, onClose: null };
    var footer = GB.el('div', { class: 'modal-footer' });
    (buttons && buttons.length ? buttons : [{ text: GB.t('common.close') }]).forEach(function (b) {
      footer.appendChild(GB.el('button', {
        type: 'button',
        class: 'btn' + (b.kind ? ' btn-' + b.kind : ''),
        text: b.text,
        onclick: function () { if (b.onClick) { b.onClick(dialog); } else { close(); } }
      }));
    });
    var titleId = 'modal-title-' + Math.random().toString(36).substring(2);
    var box = GB.el('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId },
      GB.el('div', { class: 'modal-header' },
        GB.el('h2', { id: titleId, text: title }),
        GB.el('button', { type: 'button', class: 'btn btn-icon', 'aria-label': GB.t('common.close'), text: '×', onclick: close })),
      GB.el('div', { class: 'modal-body' }, body),
      footer);
    backdrop.appendChild(box);
    dialog.element = box;
    function onKey(e) { if (e.key === 'Escape') { close(); } }
    function close() {
      if (!backdrop.parentNode) { return; }
      backdrop.parentNode.removeChild(backdrop);
      document.removeEventListener('keydown', onKey);
      document.body.classList.remove('modal-open');
      if (previous && previous.focus) { previous.focus(); }
      if (dialog.onClose) { dialog.onClose(); }
    }
    backdrop.addEventListener('mousedown', function (e) { if (e.target === backdrop) { close(); } });
    document.addEventListener('keydown', onKey);
    document.body.appendChild(backdrop);
    document.body.classList.add('modal-open');
    var focus = box.querySelector('input, textarea, select, .modal-footer .btn');
    if (focus) { focus.focus(); }
    return dialog;
  };

  /** Resolves true when the admin confirms; danger makes the OK button red. */
  GB.confirm = function (text, danger) {
    return new Promise(function (resolve) {
      var answered = false;
      var dialog = GB.modal(GB.t('common.confirm'), GB.el('p', { text: text }), [
        { text: GB.t('common.cancel') },
        { text: GB.t('common.ok'), kind: danger ? 'danger' : 'primary', onClick: function (d) { answered = true; d.close(); } }
      ]);
      dialog.onClose = function () { resolve(answered); };
    });
  };

  /** Copies text to the clipboard (also over plain http, where the Clipboard API is missing). */
  GB.copy = function (text) {
    function fallback() {
      var area = GB.el('textarea', { class: 'offscreen', readonly: true, value: text });
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      return ok ? Promise.resolve() : Promise.reject(new Error('copy'));
    }
    var done = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text).catch(fallback) : fallback();
    return done.then(function () { GB.toast(GB.t('common.copied')); },
      function () { GB.toast(GB.t('common.copyFailed'), 'error'); });
  };

  // ---- pagination -------------------------------------------------------------------------

  /** Renders pagination into container: opts {page, totalPages, onPage(page)}. */
  GB.pager = function (container, opts) {
    var page = Math.max(1, opts.page || 1);
    var total = Math.max(1, opts.totalPages || 1);
    function go(p) { if (p >= 1 && p <= total && p !== page) { opts.onPage(p); } }
    var jump = GB.el('input', { type: 'number', min: 1, max: total, value: page, class: 'pager-jump',
      'aria-label': GB.t('pager.jump') });
    jump.addEventListener('keydown', function (e) { if (e.key === 'Enter') { go(parseInt(jump.value, 10)); } });
    GB.fill(container, GB.el('nav', { class: 'pager', 'aria-label': 'pagination' },
      GB.el('button', { type: 'button', class: 'btn btn-small', disabled: page <= 1, text: GB.t('pager.prev'),
        onclick: function () { go(page - 1); } }),
      GB.el('span', { class: 'pager-text', text: GB.t('pager.page', { page: GB.fmtNum(page), total: GB.fmtNum(total) }) }),
      GB.el('button', { type: 'button', class: 'btn btn-small', disabled: page >= total, text: GB.t('pager.next'),
        onclick: function () { go(page + 1); } }),
      jump,
      GB.el('button', { type: 'button', class: 'btn btn-small', text: GB.t('pager.go'),
        onclick: function () { go(parseInt(jump.value, 10)); } })));
  };

  // ---- page frame -------------------------------------------------------------------------

  var NAV = ['keys', 'tokens', 'stats', 'logs', 'config'];

  function renderNav(current) {
    var header = document.getElementById('gb-nav');
    if (!header) { return; }
    var links = GB.el('nav', { class: 'nav-links', id: 'gb-nav-links' }, NAV.map(function (page) {
      return GB.el('a', { href: '/' + page, class: page === current ? 'active' : null,
        'aria-current': page === current ? 'page' : null, 'data-i18n': 'nav.' + page });
    }));
    var tools = GB.el('div', { class: 'nav-tools' },
      GB.el('button', { type: 'button', class: 'btn btn-ghost', id: 'gb-lang', 'data-i18n': 'nav.language',
        'data-i18n-title': 'nav.languageTitle', onclick: function () { GB.setLang(GB.lang() === 'zh' ? 'en' : 'zh'); } }),
      current === 'login' ? null : GB.el('button', { type: 'button', class: 'btn btn-ghost', id: 'gb-logout',
        'data-i18n': 'nav.logout', onclick: logout }));
    var toggle = current === 'login' ? null : GB.el('button', { type: 'button', class: 'btn btn-ghost nav-toggle',
      'aria-controls': 'gb-nav-links', 'aria-expanded': 'false', 'data-i18n-aria-label': 'nav.menu', text: '☰',
      onclick: function () {
        var open = header.classList.toggle('nav-open');
        toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      } });
    GB.fill(header, GB.el('div', { class: 'nav-inner' },
      GB.el('a', { class: 'brand', href: current === 'login' ? '/' : '/keys' },
        GB.el('img', { src: '/static/favicon.svg', alt: '', width: 24, height: 24 }),
        GB.el('span', { 'data-i18n': 'app.name' })),
      toggle,
      current === 'login' ? null : links,
      tools));
  }

  function logout() {
    GB.api('DELETE', '/api/session').then(null, function () { return null; }).then(function () {
      window.location.assign('/');
    });
  }

  /**
   * Starts a page: registers its texts, draws the frame, loads the session (pages other than the
   * login page; without one the browser goes to the login page), translates, then calls init().
   */
  GB.page = function (name, pageMessages, init) {
    GB.messages(pageMessages);
    function start() {
      document.documentElement.lang = GB.lang() === 'zh' ? 'zh-CN' : 'en';
      renderNav(name);
      GB.applyI18n(document);
      var ready = name === 'login' ? Promise.resolve(null) : GB.session();
      ready.then(function (session) {
        document.body.classList.add('ready');
        if (init) { init(session); }
      }, function (err) {
        if (!(err instanceof GB.ApiError) || err.status !== 401) {
          GB.toast(err.message || String(err), 'error');
        }
      });
    }
    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
  };
})();
