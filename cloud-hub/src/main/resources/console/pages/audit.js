// The audit log: every console and ops action, newest first, with filters.
export default {
  id: 'audit',
  title: 'Audit log',
  roles: ['admin', 'operator', 'auditor'],
  async render(root, ctx) {
    const { el } = ctx;
    const actor = el('input', { placeholder: 'actor', testid: 'audit-actor' });
    const action = el('input', { placeholder: 'action prefix, e.g. console.', testid: 'audit-action' });
    const subject = el('input', { placeholder: 'device id, user:name, token id', testid: 'audit-subject' });
    const outcome = el('select', { testid: 'audit-outcome' }, ['', 'allowed', 'refused'].map(o => el('option', { value: o }, o || 'any outcome')));
    const count = el('span', { class: 'muted', testid: 'audit-count' });
    const body = el('tbody');
    const form = el('form', { class: 'filters', testid: 'audit-filters' },
      el('label', {}, 'Actor', actor), el('label', {}, 'Action', action), el('label', {}, 'Subject', subject),
      el('label', {}, 'Outcome', outcome), el('button', { type: 'submit', testid: 'audit-apply' }, 'Filter'), count);
    root.append(el('h1', {}, 'Audit log'), form, el('table', { testid: 'audit-table' },
      el('thead', {}, el('tr', {}, ['At', 'Actor', 'Action', 'Subject', 'Outcome', 'Reason', 'Source'].map(h => el('th', {}, h)))), body));
    const load = async () => {
      const p = new URLSearchParams({ limit: '200' });
      for (const [k, e] of [['actor', actor], ['action', action], ['subject', subject], ['outcome', outcome]]) {
        if (e.value.trim()) p.set(k, e.value.trim());
      }
      const r = await ctx.api('GET', '/audit/events?' + p);
      body.replaceChildren(...r.events.map(e => el('tr', { testid: 'audit-row', 'data-action': e.action, 'data-actor': e.actor },
        el('td', {}, ctx.fmtTime(e.at)), el('td', {}, e.actor), el('td', { class: 'mono' }, e.action),
        el('td', { class: 'mono' }, e.subject || ''), el('td', {}, el('span', { class: 'badge ' + e.outcome }, e.outcome)),
        el('td', {}, e.reason || ''), el('td', {}, e.source || ''))));
      count.textContent = r.count + ' events';
    };
    form.addEventListener('submit', ev => { ev.preventDefault(); load().catch(e => body.replaceChildren(el('tr', {}, el('td', { colspan: 7 }, ctx.notice('error', e.message))))); });
    await load();
    ctx.every(5000, load);
  },
};
