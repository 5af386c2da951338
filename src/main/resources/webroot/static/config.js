/* The config page (being built: see the admin UI section of the README). */
GB.page('config', { en: {}, zh: {} }, function () {
  GB.fill(GB.$('#content'), GB.el('p', { class: 'muted', text: GB.t('common.none') }));
});
