// Console users (admin): create, change role, disable or enable, reset password.
const ROLES = ['admin', 'operator', 'auditor'];

export default {
  id: 'users',
  title: 'Users',
  roles: ['admin', 'auditor'],
  async render(root, ctx) {
    const { el } = ctx;
    const manage = ctx.can('POST', '/users');
    const msg = el('div', { testid: 'users-msg' });
    const body = el('tbody');
    root.append(el('h1', {}, 'Users'), msg);
    if (manage) root.append(createForm(ctx, msg, () => load()));
    root.append(el('table', { testid: 'users-table' },
      el('thead', {}, el('tr', {}, ['User', 'Role', 'State', 'Created', ''].map(h => el('th', {}, h)))), body));

    const act = async (fn, ok) => {
      msg.replaceChildren();
      try {
        const r = await fn();
        msg.replaceChildren(ctx.notice('ok', typeof ok === 'function' ? ok(r) : ok, 'users-ok'));
        await load();
      } catch (e) {
        msg.replaceChildren(ctx.notice('error', e.message, 'users-error'));
      }
    };
    const load = async () => {
      const r = await ctx.api('GET', '/users');
      body.replaceChildren(...r.users.map(u => {
        const path = '/users/' + encodeURIComponent(u.username);
        const role = el('select', { testid: 'user-role', disabled: !manage }, ROLES.map(x => el('option', { value: x }, x)));
        role.value = u.role;
        role.addEventListener('change', () => act(() => ctx.api('PATCH', path, { role: role.value }), u.username + ' is now ' + role.value + '.'));
        return el('tr', { testid: 'user-row', 'data-user': u.username },
          el('td', {}, u.username, u.username === ctx.me.username ? el('span', { class: 'muted' }, ' (you)') : null),
          el('td', {}, role),
          el('td', {}, el('span', { class: 'badge ' + (u.disabled ? 'revoked' : 'online'), testid: 'user-state' }, u.disabled ? 'disabled' : 'enabled'),
            u.mustChangePassword ? el('span', { class: 'muted' }, ' must set password') : null),
          el('td', {}, ctx.fmtTime(u.createdAt), el('span', { class: 'muted' }, ' by ' + u.createdBy)),
          el('td', {}, manage ? [
            el('button', { class: 'secondary', testid: 'user-toggle', onclick: () => act(() => ctx.api('PATCH', path, { disabled: !u.disabled }),
              u.username + (u.disabled ? ' is enabled.' : ' is disabled; their sessions ended.')) }, u.disabled ? 'Enable' : 'Disable'), ' ',
            el('button', { class: 'secondary', testid: 'user-reset', onclick: () => act(() => ctx.api('POST', path + '/password'),
              r => 'One-time password for ' + u.username + ': ' + r.oneTimePassword + ' (shown once; they must change it at login).') }, 'Reset password'),
          ] : null));
      }));
    };
    await load();
  },
};

function createForm(ctx, msg, reload) {
  const { el } = ctx;
  const username = el('input', { name: 'username', required: true, autocomplete: 'off', testid: 'user-new-name' });
  const role = el('select', { name: 'role', testid: 'user-new-role' }, ROLES.map(x => el('option', { value: x }, x)));
  role.value = 'operator';
  const password = el('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password', testid: 'user-new-password' });
  const f = el('form', { class: 'card filters', testid: 'user-new' },
    el('label', {}, 'User name', username), el('label', {}, 'Role', role),
    el('label', {}, 'Initial password (12+ characters, they change it at first login)', password),
    el('button', { type: 'submit', testid: 'user-new-submit' }, 'Create user'));
  f.addEventListener('submit', async ev => {
    ev.preventDefault();
    msg.replaceChildren();
    try {
      const u = await ctx.api('POST', '/users', { username: username.value.trim(), role: role.value, password: password.value });
      msg.replaceChildren(ctx.notice('ok', 'Created ' + u.username + ' (' + u.role + ').', 'users-ok'));
      f.reset();
      role.value = 'operator';
      await reload();
    } catch (e) {
      msg.replaceChildren(ctx.notice('error', e.message, 'users-error'));
    }
  });
  return f;
}
