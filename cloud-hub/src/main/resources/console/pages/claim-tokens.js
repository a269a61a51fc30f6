// Mint single-use claim tokens for a device group: download the claim bundle (claim.json) or scan its QR code.
export default {
  id: 'claim-tokens',
  title: 'Claim tokens',
  roles: ['admin', 'operator'],
  async render(root, ctx) {
    const { el } = ctx;
    const group = el('input', { name: 'group', required: true, pattern: '[a-z0-9-]{3,64}', placeholder: 'dealers-north', testid: 'claim-group' });
    const ttl = el('select', { name: 'ttl', testid: 'claim-ttl' },
      [['3600', '1 hour'], ['86400', '1 day'], ['604800', '7 days'], ['2592000', '30 days']].map(([v, t]) => el('option', { value: v }, t)));
    ttl.value = '86400';
    const out = el('div', { testid: 'claim-result' });
    const form = el('form', { class: 'card narrow', testid: 'claim-form' },
      el('label', {}, 'Device group (3-64 of a-z, 0-9, -)', group), el('label', {}, 'Valid for', ttl),
      el('button', { type: 'submit', testid: 'claim-submit' }, 'Mint claim token'));
    root.append(el('h1', {}, 'Claim tokens'),
      el('p', { class: 'muted' }, 'A claim token lets one appliance enroll into a group, once, before it expires. '
        + 'Put the claim bundle on the appliance as claim.json, or scan the QR code with the provisioning tool.'),
      form, out);
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      out.replaceChildren();
      try {
        const r = await ctx.api('POST', '/claim-tokens', { group: group.value.trim(), ttlSeconds: Number(ttl.value) });
        const json = JSON.stringify(r.claimBundle, null, 2) + '\n';
        const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
        ctx.onLeave(() => URL.revokeObjectURL(url));
        // Whole screen pixels per module keep the code easy to scan from the screen.
        const modules = Number((/viewBox="0 0 (\d+)/.exec(r.claimBundleQrSvg) || [])[1]) || 64;
        const px = modules * Math.max(3, Math.floor(320 / modules));
        const qr = el('img', { class: 'qr', alt: 'QR code of the claim bundle', testid: 'claim-qr', width: px, height: px,
          src: 'data:image/svg+xml;base64,' + btoa(r.claimBundleQrSvg) });
        out.replaceChildren(el('div', { class: 'card' },
          ctx.notice('ok', 'Token ' + r.tokenId + ' for group ' + r.group + ', valid until ' + ctx.fmtTime(r.expiresAt) + '.', 'claim-done'),
          el('div', { class: 'grid2' },
            el('div', {}, qr),
            el('div', {},
              el('p', {}, el('a', { href: url, download: 'claim-' + r.group + '.json', testid: 'claim-download' }, 'Download claim bundle (claim.json)')),
              el('pre', { class: 'mono', testid: 'claim-bundle' }, json),
              el('p', { class: 'muted' }, 'The token is shown only now; the hub keeps only its hash.')))));
      } catch (e) {
        out.replaceChildren(ctx.notice('error', e.message, 'claim-error'));
      }
    });
  },
};
