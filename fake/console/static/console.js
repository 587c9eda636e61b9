// The console's writes. Each one is a fetch() to an existing admin endpoint with the X-Coupa-Users-Admin header
// (and a JSON body when it has one): a page of another site cannot send either without a CORS preflight, which
// the fake never grants, so the console needs no write path of its own.
'use strict';

(function () {
  const admin = document.body.dataset.admin;
  const statusBox = document.getElementById('status');
  const flashKey = 'coupa-users-console-status';

  function say(message, ok) {
    if (!statusBox) return;
    statusBox.textContent = message;
    statusBox.className = ok ? 'ok' : 'error';
  }

  // call sends one admin request and returns its JSON answer; a refusal throws with the fake's error.
  async function call(method, path, body) {
    const init = { method: method, headers: { 'X-Coupa-Users-Admin': '1' }, credentials: 'same-origin' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const resp = await fetch(admin + path, init);
    const text = await resp.text();
    let data = text;
    try { data = JSON.parse(text); } catch (e) { /* not JSON: keep the text */ }
    if (!resp.ok) {
      const why = data && data.error ? data.error : text;
      throw new Error(method + ' ' + admin + path + ': ' + resp.status + ' ' + why);
    }
    return data;
  }

  function on(id, action) {
    const el = document.getElementById(id);
    if (!el) return;
    el.addEventListener('click', async function () {
      try {
        await action();
      } catch (e) {
        say(e.message, false);
      }
    });
  }

  function value(id) { return document.getElementById(id).value.trim(); }

  function show(id, data) {
    const el = document.getElementById(id);
    if (el) el.textContent = JSON.stringify(data, null, 2);
  }

  // reloadWith reloads the page, whose users table is rendered by the fake, keeping the message across the reload.
  function reloadWith(message) {
    sessionStorage.setItem(flashKey, message);
    location.reload();
  }

  const flash = sessionStorage.getItem(flashKey);
  if (flash !== null) {
    sessionStorage.removeItem(flashKey);
    say(flash, true);
  }

  // Faults: the form's fields over the faults in force, so that a rate limit the operator set stays.
  on('fault-set', async function () {
    const current = await call('GET', '/faults');
    const next = Object.assign({}, current, {
      error_status: Number(value('fault-status')) || 0,
      error_rate: Number(value('fault-rate')) || 0,
      latency: value('fault-latency') || '0s',
      jitter: value('fault-jitter') || '0s',
    });
    const set = await call('PUT', '/faults', next);
    show('faults', set);
    say('Fault set: ' + set.error_status + ' at rate ' + set.error_rate + ', latency ' + set.latency, true);
  });
  on('fault-clear', async function () {
    show('faults', await call('DELETE', '/faults'));
    say('Faults cleared', true);
  });

  on('clock-set', async function () {
    const c = await call('PUT', '/clock', { now: value('clock-now'), frozen: document.getElementById('clock-frozen').checked });
    show('clock', c);
    say('Clock set to ' + c.now, true);
  });
  on('clock-advance', async function () {
    const c = await call('POST', '/clock/advance', { by: value('clock-by') });
    show('clock', c);
    say('Clock advanced to ' + c.now, true);
  });
  on('clock-reset', async function () {
    show('clock', await call('DELETE', '/clock'));
    say('Clock back to real time', true);
  });

  on('reset', async function () {
    const r = await call('POST', '/reset');
    reloadWith('Reset: ' + r.users + ' users');
  });
  on('fixtures-load', async function () {
    const mode = encodeURIComponent(value('fixtures-mode'));
    const r = await call('POST', '/users?mode=' + mode, document.getElementById('fixtures').value);
    reloadWith('Loaded ' + r.loaded + ' users (' + r.users + ' in all)');
  });

  // The journal, newest first, rebuilt with textContent: a journaled path is whatever a client sent.
  const journal = document.querySelector('#journal tbody');
  async function refreshJournal() {
    const data = await call('GET', '/requests?limit=25');
    const rows = (data.requests || []).map(function (e) {
      const tr = document.createElement('tr');
      const target = e.query ? e.path + '?' + e.query : e.path;
      const time = new Date(e.time).toISOString().slice(11, 23);
      [[e.seq], [time], [e.method, 'method'], [target, 'path'], [e.status, 'status'], [e.duration]].forEach(function (c) {
        const td = document.createElement('td');
        td.textContent = String(c[0]);
        if (c[1]) td.className = c[1];
        tr.appendChild(td);
      });
      return tr;
    });
    journal.replaceChildren.apply(journal, rows);
  }
  on('journal-refresh', refreshJournal);
  on('journal-clear', async function () {
    await call('DELETE', '/requests');
    await refreshJournal();
    say('Journal cleared', true);
  });
  let timer = null;
  const auto = document.getElementById('journal-auto');
  if (auto) {
    auto.addEventListener('change', function () {
      clearInterval(timer);
      timer = auto.checked ? setInterval(function () { refreshJournal().catch(function (e) { say(e.message, false); }); }, 2000) : null;
    });
  }
})();
