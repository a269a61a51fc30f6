// One device: identity and certificate, heartbeats over time, event history, and revoke (with a reason).
const MB = 1024 * 1024;

export default {
  id: 'device',
  title: 'Device',
  nav: false,
  roles: ['admin', 'operator', 'auditor'],
  async render(root, ctx) {
    const { el } = ctx;
    const id = ctx.params[0];
    if (!id) { ctx.navigate('#/fleet'); return; }
    const d = await ctx.api('GET', '/devices/' + encodeURIComponent(id));
    const info = el('dl', { class: 'kv', testid: 'device-info' });
    const put = (k, v, testid) => info.append(el('dt', {}, k), el('dd', { testid }, v ?? '—'));
    put('Device id', d.deviceId, 'device-id');
    put('Group', d.group);
    put('Status', el('span', { class: 'badge ' + d.status, testid: 'device-status' }, d.status));
    put('Agent version', d.agentVersion);
    put('Last seen', ctx.fmtTime(d.lastSeen));
    put('Enrolled', ctx.fmtTime(d.enrolledAt));
    if (d.revoked) put('Revoked', ctx.fmtTime(d.revokedAt) + ' — ' + (d.revokedReason || ''), 'device-revoked-reason');
    const cert = el('dl', { class: 'kv', testid: 'device-cert' });
    cert.append(el('dt', {}, 'Serial'), el('dd', { class: 'mono', testid: 'device-cert-serial' }, d.certSerial || '—'),
      el('dt', {}, 'Valid until'), el('dd', { testid: 'device-cert-not-after' }, ctx.fmtTime(d.certNotAfter)),
      el('dt', {}, 'Issued'), el('dd', {}, ctx.fmtTime(d.enrolledAt)));
    if (d.resources && d.resources.certNotAfter) cert.append(el('dt', {}, 'In use on device until'), el('dd', {}, ctx.fmtTime(d.resources.certNotAfter)));

    const canvas = el('canvas', { testid: 'heartbeat-chart' });
    const hbNote = el('p', { class: 'muted', testid: 'heartbeat-count' });
    const events = el('tbody');
    root.append(
      el('p', {}, el('a', { href: '#/fleet' }, '← Fleet')),
      el('h1', {}, 'Device ', el('code', {}, d.deviceId)),
      el('div', { class: 'grid2' },
        el('div', { class: 'card' }, el('h2', {}, 'Overview'), info),
        el('div', { class: 'card' }, el('h2', {}, 'Certificate'), cert)),
      el('div', { class: 'card' }, el('h2', {}, 'Heartbeats (last 24 hours)'), el('div', { class: 'chart-box' }, canvas), hbNote),
      revokePanel(ctx, d),
      el('h2', {}, 'History'),
      el('table', { testid: 'device-events' }, el('thead', {}, el('tr', {}, ['At', 'Event', 'Detail'].map(h => el('th', {}, h)))), events));

    const chart = ctx.chart(canvas, {
      type: 'line',
      data: { datasets: [
        { label: 'heap used (MB)', data: [], yAxisID: 'mb', borderColor: '#1f6feb', pointRadius: 1 },
        { label: 'resident (MB)', data: [], yAxisID: 'mb', borderColor: '#7a5af8', pointRadius: 1 },
        { label: 'outbox depth', data: [], yAxisID: 'n', borderColor: '#f79009', pointRadius: 1 },
        { label: 'cpu load', data: [], yAxisID: 'n', borderColor: '#12b76a', pointRadius: 1 },
      ] },
      options: {
        animation: false, maintainAspectRatio: false, parsing: false,
        scales: {
          x: { type: 'linear', ticks: { callback: v => new Date(v).toISOString().slice(11, 19) } },
          mb: { position: 'left', beginAtZero: true, title: { display: true, text: 'MB' } },
          n: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } },
        },
      },
    });
    const loadHeartbeats = async () => {
      const r = await ctx.api('GET', '/devices/' + encodeURIComponent(id) + '/heartbeats');
      const pts = f => r.heartbeats.filter(h => h.resources).map(h => ({ x: Date.parse(h.at), y: f(h.resources) }));
      chart.data.datasets[0].data = pts(s => s.heapUsedBytes / MB);
      chart.data.datasets[1].data = pts(s => s.rssBytes / MB);
      chart.data.datasets[2].data = pts(s => s.outboxDepth);
      chart.data.datasets[3].data = pts(s => Math.max(0, s.cpuLoad));
      chart.update();
      hbNote.textContent = r.count + ' heartbeats';
      hbNote.dataset.count = r.count;
    };
    const loadEvents = async () => {
      const enc = encodeURIComponent(id);
      const [r, a] = await Promise.all([
        ctx.api('GET', '/devices/' + enc + '/events?limit=100'),
        ctx.api('GET', '/audit/events?subject=' + enc + '&limit=100')]);
      const rows = r.events.map(e => ({ at: e.at, name: e.name, detail: e.detailJson || '', kind: 'device' }))
        .concat(a.events.map(e => ({ at: e.at, name: e.action + (e.outcome === 'refused' ? ' (refused)' : ''),
          detail: 'by ' + e.actor + (e.reason ? ' — ' + e.reason : '') + (e.source ? ' from ' + e.source : ''), kind: 'audit' })))
        .sort((x, y) => Date.parse(y.at) - Date.parse(x.at));
      events.replaceChildren(...rows.map(e => el('tr', { testid: 'device-event', 'data-kind': e.kind },
        el('td', {}, ctx.fmtTime(e.at)), el('td', {}, e.name), el('td', { class: 'mono' }, e.detail))));
      if (!rows.length) events.append(el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'No events yet.')));
    };
    await Promise.all([loadHeartbeats(), loadEvents()]);
    ctx.every(5000, () => Promise.all([loadHeartbeats(), loadEvents()]));
  },
};

function revokePanel(ctx, d) {
  const { el } = ctx;
  const path = '/devices/' + encodeURIComponent(d.deviceId) + '/revoke';
  if (d.revoked) return el('div', { class: 'card' }, el('h2', {}, 'Revoked'), el('p', {}, 'This device can no longer connect or renew its certificate.'));
  if (!ctx.can('POST', path)) return el('div', { class: 'card muted', testid: 'revoke-not-allowed' }, 'Your role cannot revoke devices.');
  const reason = el('input', { name: 'reason', required: true, maxlength: 500, placeholder: 'why (kept in the audit log)', testid: 'revoke-reason' });
  const msg = el('div');
  const form = el('form', { class: 'card', testid: 'revoke-form' }, el('h2', {}, 'Revoke'),
    el('p', { class: 'muted' }, 'Revoking disconnects the device at once; it cannot reconnect or renew. This cannot be undone.'),
    el('label', {}, 'Reason', reason), el('button', { type: 'submit', class: 'danger', testid: 'revoke-submit' }, 'Revoke device'), msg);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    if (!reason.value.trim()) return;
    try {
      await ctx.api('POST', path, { reason: reason.value.trim() });
      form.replaceWith(el('div', { class: 'card' }, el('h2', {}, 'Revoked'),
        ctx.notice('ok', 'Revoked: the device is disconnected and can no longer connect or renew.', 'revoke-done')));
      const badge = document.querySelector('[data-testid="device-status"]');
      if (badge) { badge.textContent = 'revoked'; badge.className = 'badge revoked'; }
    } catch (e) {
      msg.replaceChildren(ctx.notice('error', e.message, 'revoke-error'));
    }
  });
  return form;
}
