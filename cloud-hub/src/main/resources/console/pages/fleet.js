// Fleet: every device with search and filters (group, status, version), refreshed live.
const STATUS = ['', 'online', 'offline', 'revoked'];

export default {
  id: 'fleet',
  title: 'Fleet',
  roles: ['admin', 'operator', 'auditor'],
  async render(root, ctx) {
    const { el } = ctx;
    const q = el('input', { type: 'search', placeholder: 'device id, group, version', testid: 'fleet-search' });
    const group = el('select', { testid: 'fleet-group' }, el('option', { value: '' }, 'all groups'));
    const status = el('select', { testid: 'fleet-status' }, STATUS.map(s => el('option', { value: s }, s || 'any status')));
    const version = el('select', { testid: 'fleet-version' }, el('option', { value: '' }, 'all versions'));
    const count = el('span', { class: 'muted', testid: 'fleet-count' });
    const body = el('tbody');
    root.append(
      el('h1', {}, 'Fleet'),
      el('div', { class: 'filters' },
        el('label', {}, 'Search', q), el('label', {}, 'Group', group), el('label', {}, 'Status', status),
        el('label', {}, 'Version', version), count),
      el('table', { testid: 'fleet-table' },
        el('thead', {}, el('tr', {}, ['Device', 'Group', 'Status', 'Version', 'Last seen', 'Certificate until'].map(h => el('th', {}, h)))),
        body));

    let all = [];
    const keepOptions = (select, values) => {
      const current = select.value;
      const have = new Set([...select.options].map(o => o.value));
      for (const v of values) if (v && !have.has(v)) select.append(el('option', { value: v }, v));
      select.value = current;
    };
    const draw = () => {
      const text = q.value.trim().toLowerCase();
      const rows = all.filter(d =>
        (!group.value || d.group === group.value)
        && (!status.value || d.status === status.value)
        && (!version.value || d.agentVersion === version.value)
        && (!text || [d.deviceId, d.group, d.agentVersion || ''].some(s => s.toLowerCase().includes(text))));
      body.replaceChildren(...rows.map(d => el('tr', { testid: 'fleet-row', 'data-device': d.deviceId, 'data-status': d.status },
        el('td', {}, el('a', { href: '#/device/' + encodeURIComponent(d.deviceId), testid: 'fleet-device-link' }, d.deviceId)),
        el('td', {}, d.group),
        el('td', {}, el('span', { class: 'badge ' + d.status, testid: 'fleet-status-badge' }, d.status)),
        el('td', {}, d.agentVersion || '—'),
        el('td', {}, ctx.fmtTime(d.lastSeen)),
        el('td', {}, ctx.fmtTime(d.certNotAfter)))));
      if (rows.length === 0) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, all.length ? 'No device matches these filters.' : 'No device has enrolled yet. Mint a claim token to enroll one.')));
      count.textContent = rows.length + ' of ' + all.length + ' devices';
    };
    const load = async () => {
      const r = await ctx.api('GET', '/devices');
      all = r.devices;
      keepOptions(group, [...new Set(all.map(d => d.group))].sort());
      keepOptions(version, [...new Set(all.map(d => d.agentVersion).filter(Boolean))].sort());
      draw();
    };
    for (const c of [q, group, status, version]) c.addEventListener('input', draw);
    await load();
    ctx.every(3000, load);
  },
};
