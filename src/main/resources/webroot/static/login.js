/* The login page: trades the admin token for a session cookie, then opens the keys page. */
GB.page('login', {
  en: {
    'login.title': 'Log in',
    'login.token': 'Admin token',
    'login.hint': 'AUTH_TOKEN, or the token the gateway printed at its first start.',
    'login.submit': 'Log in',
    'login.empty': 'Enter the admin token.',
    'login.wrong': 'That is not the admin token.',
    'login.throttled': 'Too many failed attempts from this address; try again in a minute.'
  },
  zh: {
    'login.title': '登录',
    'login.token': '管理令牌',
    'login.hint': 'AUTH_TOKEN，或网关首次启动时打印的令牌。',
    'login.submit': '登录',
    'login.empty': '请输入管理令牌。',
    'login.wrong': '管理令牌不正确。',
    'login.throttled': '此地址失败次数过多，请一分钟后再试。'
  }
}, function () {
  var form = GB.$('#login-form');
  var input = GB.$('#token');
  var error = GB.$('#login-error');
  var submit = form.querySelector('button[type="submit"]');
  // Disabled in the markup until this script runs: a form sent by the browser itself would carry
  // the token in a request this page does not control.
  submit.disabled = false;
  function show(text) {
    error.textContent = text;
    error.classList.toggle('hidden', !text);
    input.classList.toggle('invalid', !!text);
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var token = input.value.trim();
    if (!token) { show(GB.t('login.empty')); return; }
    show('');
    GB.api('POST', '/api/session', { token: token }).then(function () {
      window.location.assign('/keys');
    }, function (err) {
      show(err.status === 401 ? GB.t('login.wrong') : err.status === 429 ? GB.t('login.throttled') : err.message);
    });
  });
});
