/*
 * Tether's migration-set page. Reads the public HTTP API only:
 *   GET /api/v1/aps                          the programs to pick from
 *   GET /api/v1/migration-set?ap=...         the set (DESIGN.md §3 JSON) that is drawn
 *   GET /api/v1/migration-set/stream?ap=...  server-sent "set" events when it changes; the page then re-reads it
 * Layout is Cytoscape.js with the fcose layout (compound nodes = hosts); nothing here lays out by hand.
 */
(function () {
  'use strict';

  const API = '/api/v1';
  const MAX_LISTED_APS = 500;
  const BIG_GRAPH = 200;   // above this many nodes: the quick (spectral only) layout

  // fcose registers itself with a global cytoscape; this only covers a load order where it could not.
  // (No element of the page may have id "exports" or "module": the libraries' UMD wrappers would take it for CommonJS.)
  if (window.cytoscapeFcose && !cytoscape('layout', 'fcose')) cytoscape.use(window.cytoscapeFcose);

  const $ = (id) => document.getElementById(id);
  const state = { ap: null, data: null, source: null, version: 0, loads: 0, aps: [], errors: [] };
  window.addEventListener('error', (e) => state.errors.push(String(e.message)));

  const cy = cytoscape({
    container: $('graph'),
    wheelSensitivity: 0.3,
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      { selector: 'node', style: {
        'label': 'data(label)', 'font-size': 10, 'text-wrap': 'wrap', 'text-max-width': 160,
        'text-valign': 'center', 'text-halign': 'center', 'min-zoomed-font-size': 6, 'color': '#0f172a' } },
      { selector: 'node.host', style: {
        'shape': 'round-rectangle', 'background-color': '#f1f5f9', 'border-color': '#94a3b8', 'border-width': 1,
        'text-valign': 'top', 'text-halign': 'center', 'font-size': 12, 'font-weight': 'bold', 'padding': 18,
        'color': '#334155' } },
      { selector: 'node.app', style: {
        'shape': 'round-rectangle', 'background-color': '#dbeafe', 'border-color': '#1d4ed8', 'border-width': 2,
        'width': 'label', 'height': 'label', 'padding': 8 } },
      { selector: 'node.app.focus', style: { 'border-width': 5, 'background-color': '#bfdbfe' } },
      { selector: 'node.file', style: { 'shape': 'rectangle', 'width': 'label', 'height': 'label', 'padding': 6 } },
      { selector: 'node.copy', style: {
        'background-color': '#ffffff', 'border-color': '#1d4ed8', 'border-width': 2, 'border-style': 'dashed' } },
      { selector: 'node.move', style: {
        'background-color': '#fed7aa', 'border-color': '#c2410c', 'border-width': 3, 'border-style': 'solid' } },
      { selector: 'node.external', style: {
        'shape': 'ellipse', 'background-color': '#f3f4f6', 'border-color': '#6b7280', 'border-width': 2,
        'border-style': 'dotted', 'width': 'label', 'height': 'label', 'padding': 10, 'color': '#374151' } },
      { selector: 'edge', style: {
        'curve-style': 'bezier', 'width': 1.5, 'line-color': '#64748b', 'target-arrow-color': '#64748b',
        'target-arrow-shape': 'triangle', 'arrow-scale': 0.8, 'label': 'data(label)', 'font-size': 9,
        'text-rotation': 'autorotate', 'text-background-color': '#ffffff', 'text-background-opacity': 0.85,
        'text-background-padding': 1, 'min-zoomed-font-size': 7,
        // edges cross host boxes: keep them above every box, or a host's fill hides them
        'z-compound-depth': 'top' } },
      { selector: 'edge.connects', style: { 'width': 2.5, 'line-color': '#0f172a', 'target-arrow-color': '#0f172a' } },
      { selector: 'edge.writes', style: { 'line-color': '#c2410c', 'target-arrow-color': '#c2410c' } },
      { selector: 'edge.reads', style: { 'line-style': 'dashed', 'line-color': '#1d4ed8', 'target-arrow-color': '#1d4ed8' } },
      { selector: 'edge.external', style: { 'line-style': 'dotted' } },
      { selector: ':selected', style: { 'overlay-color': '#f59e0b', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
      { selector: '.fresh', style: { 'underlay-color': '#22c55e', 'underlay-opacity': 0.35, 'underlay-padding': 8 } }
    ]
  });

  // ---- the set's JSON, read tolerantly (fields the API may add are ignored) ----

  const basename = (p) => { const s = String(p); const i = s.lastIndexOf('/'); return i >= 0 && i < s.length - 1 ? s.slice(i + 1) : s; };
  const hostOfAp = (ap) => { const i = String(ap).lastIndexOf('@'); return i < 0 ? '' : String(ap).slice(i + 1); };
  const programOfAp = (ap) => { const i = String(ap).lastIndexOf('@'); return i < 0 ? String(ap) : String(ap).slice(0, i); };

  function address(a) {
    if (a == null) return '';
    if (typeof a === 'string') return a;
    if (a.path) return 'unix:' + a.path;
    const ip = a.ip == null ? '?' : String(a.ip);
    return (ip.indexOf(':') >= 0 ? '[' + ip + ']' : ip) + ':' + a.port;
  }
  function service(a) {
    if (a == null) return '';
    if (typeof a === 'string') {
      if (a.indexOf('unix:') === 0) return a;
      const i = a.lastIndexOf(':');
      return i >= 0 ? a.slice(i) : a;
    }
    return a.path ? 'unix:' + a.path : ':' + a.port;
  }
  const appId = (ap) => 'ap:' + ap;
  const fileId = (host, path) => 'file:' + host + ':' + path;
  const extId = (addr) => 'ext:' + addr;
  const hostId = (host) => 'host:' + host;

  /** Cytoscape elements for one set: hosts are compound parents of their programs and files. */
  function elementsOf(set) {
    const nodes = new Map();
    const edges = new Map();
    const addHost = (host) => {
      if (host && !nodes.has(hostId(host))) {
        nodes.set(hostId(host), { group: 'nodes', data: { id: hostId(host), label: 'host ' + host, kind: 'host', host: host }, classes: 'host' });
      }
    };
    const addEdge = (from, to, label, classes, extra) => {
      const id = 'edge:' + from + '->' + to + ':' + label;
      if (!edges.has(id)) edges.set(id, { group: 'edges', data: Object.assign({ id: id, source: from, target: to, label: label }, extra || {}), classes: classes });
    };
    for (const app of set.apps || []) {
      const host = app.host || hostOfAp(app.ap);
      const program = app.program || programOfAp(app.ap);
      const pids = (app.pids || []).join(', ');
      addHost(host);
      nodes.set(appId(app.ap), { group: 'nodes', classes: 'app' + (app.ap === set.ap ? ' focus' : ''), data: {
        id: appId(app.ap), parent: hostId(host), kind: 'app', member: app.ap, host: host, program: program,
        pids: pids, sources: (app.sources || []).join(', '),
        label: basename(program.split(' ').slice(-1)[0]) + (pids ? '\npid ' + pids : '') } });
    }
    for (const f of set.files || []) {
      const transfer = String(f.transfer || 'COPY').toUpperCase();
      addHost(f.host);
      nodes.set(fileId(f.host, f.path), { group: 'nodes', classes: 'file ' + transfer.toLowerCase(), data: {
        id: fileId(f.host, f.path), parent: hostId(f.host), kind: 'file', member: f.host + ':' + f.path,
        host: f.host, path: f.path, transfer: transfer, label: basename(f.path) + '\n' + transfer,
        openedBy: (f.openedBy || []).map((u) => (typeof u === 'string' ? u : u.ap + ' ' + String(u.mode || '').toLowerCase())).join('\n') } });
      for (const use of f.openedBy || []) {
        const ap = typeof use === 'string' ? use : use.ap;
        const writes = typeof use === 'object' && String(use.mode).toUpperCase() === 'WRITE';
        if (nodes.has(appId(ap))) addEdge(appId(ap), fileId(f.host, f.path), writes ? 'writes' : 'reads', writes ? 'writes' : 'reads', { kind: writes ? 'writes' : 'reads' });
      }
    }
    for (const c of set.connections || []) {
      const from = appId(c.clientAp);
      const to = appId(c.serverAp);
      if (nodes.has(from) && nodes.has(to)) addEdge(from, to, 'connects ' + service(c.server), 'connects', { kind: 'connects', protocol: c.protocol || '' });
    }
    for (const e of set.external || []) {
      const addr = address(e.address);
      if (!nodes.has(extId(addr))) {
        nodes.set(extId(addr), { group: 'nodes', classes: 'external', data: { id: extId(addr), kind: 'external',
          member: addr, address: addr, protocol: e.protocol || '', label: addr + '\nEXTERNAL', talkers: '' } });
      }
      const node = nodes.get(extId(addr));
      node.data.talkers = (node.data.talkers ? node.data.talkers + '\n' : '') + e.ap + ' ' + String(e.direction || '').toLowerCase();
      if (!nodes.has(appId(e.ap))) continue;
      if (String(e.direction).toUpperCase() === 'INBOUND') {
        addEdge(extId(addr), appId(e.ap), 'connects ' + service(e.local), 'connects external', { kind: 'connects' });
      } else {
        addEdge(appId(e.ap), extId(addr), 'connects ' + service(e.address), 'connects external', { kind: 'connects' });
      }
    }
    return { nodes: Array.from(nodes.values()), edges: Array.from(edges.values()) };
  }

  // ---- drawing: apply the difference, so positions survive live updates ----

  function draw(set) {
    const next = elementsOf(set);
    const wanted = new Set(next.nodes.map((n) => n.data.id).concat(next.edges.map((e) => e.data.id)));
    const added = [];
    cy.batch(() => {
      cy.elements().forEach((el) => { if (!wanted.has(el.id())) el.remove(); });
      cy.elements().removeClass('fresh');
      for (const el of next.nodes.concat(next.edges)) {
        const existing = cy.getElementById(el.data.id);
        if (existing.nonempty()) {
          // id, source, target and parent are part of the element's identity here (they are in its id): only the
          // rest may change, and Cytoscape refuses those four through data() anyway.
          const changed = {};
          for (const k of Object.keys(el.data)) {
            if (k !== 'id' && k !== 'source' && k !== 'target' && k !== 'parent' && existing.data(k) !== el.data[k]) changed[k] = el.data[k];
          }
          if (Object.keys(changed).length > 0) existing.data(changed);
          if (existing.classes().join(' ') !== el.classes) existing.classes(el.classes);
        } else {
          added.push(el);
        }
      }
      // Parents before children, nodes before edges: Cytoscape needs both ends and the parent to exist.
      added.sort((a, b) => rank(a) - rank(b));
      const firstDraw = cy.nodes().empty();
      const fresh = cy.add(added);
      if (!firstDraw) fresh.addClass('fresh');
      fresh.nodes().forEach((n) => {
        const near = n.neighborhood('node').filter((m) => !fresh.contains(m)).first();
        if (near.nonempty()) n.position({ x: near.position('x') + 40, y: near.position('y') + 40 });
      });
    });
    if (added.length > 0 || state.loads === 1) layout(added.length === cy.elements().length);
  }

  function rank(el) {
    if (el.group === 'edges') return 3;
    return el.data.kind === 'host' ? 0 : el.data.parent ? 2 : 1;
  }

  function layout(fromScratch) {
    const big = cy.nodes().length > BIG_GRAPH;
    const started = performance.now();
    try {
      runLayout(big, fromScratch);
      state.layoutMillis = Math.round(performance.now() - started);
    } catch (e) {
      // A layout failure must not leave a blank canvas: fall back to a plain grid and say so.
      state.errors.push(String(e && e.stack || e));
      message('Layout failed (' + e.message + '); showing a simple grid instead.');
      cy.layout({ name: 'grid', fit: true, padding: 30 }).run();
    }
  }

  // animate 'end' rather than false: with compound nodes, fcose's non-animated path left edges unpainted until the
  // next layout (seen in headless Chromium); 'end' jumps to the result in one frame.
  function runLayout(big, fromScratch) {
    cy.layout({
      name: 'fcose', quality: big ? 'draft' : 'default', randomize: fromScratch, animate: (big || fromScratch) ? 'end' : true,
      animationDuration: 300, fit: true, padding: 30, nodeDimensionsIncludeLabels: true, packComponents: true,
      nodeRepulsion: 9000, idealEdgeLength: 90, nestingFactor: 0.1, tile: true
    }).run();
  }

  // ---- details and why ----

  function showMember(el) {
    const d = el.data();
    $('member-title').textContent = d.member || d.label || d.id;
    const dl = $('member');
    dl.replaceChildren();
    const row = (k, v) => { if (v === undefined || v === '') return; const dt = document.createElement('dt'); dt.textContent = k; const dd = document.createElement('dd'); dd.textContent = v; dl.append(dt, dd); };
    if (el.isEdge()) {
      row('from', el.source().data('member') || el.source().id());
      row('to', el.target().data('member') || el.target().id());
      row('coupling', d.label);
      row('protocol', d.protocol);
      renderWhy([]);
      return;
    }
    row('kind', { app: 'program', file: 'file', external: 'external endpoint', host: 'host' }[d.kind] || d.kind);
    row('host', d.host);
    row('program', d.program);
    row('pids', d.pids);
    row('seen by', d.sources);
    row('path', d.path);
    row('transfer', d.transfer);
    row('opened by', d.openedBy);
    row('address', d.address);
    row('protocol', d.protocol);
    row('talks with', d.talkers);
    renderWhy(d.kind === 'host' ? [] : whyOf(el));
  }

  /**
   * The chain of couplings that pulls a member into the set, from the API's "why": entries
   * {member, type, reachable, chain: [{from, to, kind, detail, text}]}, members being APs or host:path files.
   */
  function whyEntries() {
    const why = state.data && state.data.why;
    if (!why) return [];
    if (Array.isArray(why)) return why;
    return Object.keys(why).map((k) => ({ member: k, path: why[k] }));
  }
  function entryFor(member) {
    for (const e of whyEntries()) {
      if (e && typeof e === 'object') {
        const key = e.member || e.ap || e.target || e.to || e.id;
        if (key === member) return e;
      }
    }
    return null;
  }
  function stepsOf(entry) {
    if (!entry) return null;
    const steps = entry.path || entry.chain || entry.steps || entry.via || entry.couplings || entry.because || [];
    return Array.isArray(steps) ? steps : [steps];
  }
  function stepText(step) {
    if (typeof step === 'string') return step;
    if (step && typeof step === 'object') {
      if (step.text) return step.text;
      const what = step.detail || step.label || step.reason || String(step.kind || '').toLowerCase();
      if (step.from !== undefined && step.to !== undefined) return step.from + ' —[' + what + ']→ ' + step.to;
      return what || JSON.stringify(step);
    }
    return String(step);
  }
  function whyOf(el) {
    const d = el.data();
    const focus = state.ap;
    if (d.kind === 'app') {
      if (d.member === focus) return ['this is the program you asked about'];
      const entry = entryFor(d.member);
      if (entry && entry.reachable === false) return ['not connected to ' + focus + ' by the current couplings (the set is being recomputed)'];
      return entry ? stepsOf(entry).map(stepText) : ['coupled to ' + focus + ' (no path in the answer)'];
    }
    // Files and endpoints come with the programs that use them.
    const direct = entryFor(d.member);
    if (direct) return stepsOf(direct).map(stepText);
    const lines = [];
    const users = el.connectedEdges().map((e) => (e.source().id() === el.id() ? e.target() : e.source())).filter((n) => n.data('kind') === 'app');
    const user = users[0];
    if (user) {
      const via = user.data('member') === focus ? [] : whyOf(user);
      via.forEach((l) => lines.push(l));
      const edge = el.connectedEdges().filter((e) => e.source().same(user) || e.target().same(user)).first();
      lines.push(user.data('member') + ' ' + (edge.nonempty() ? edge.data('label') : 'uses') + ' ' + (d.path || d.address));
    }
    return lines;
  }
  function renderWhy(lines) {
    const ol = $('why');
    ol.replaceChildren();
    if (lines.length === 0) {
      const li = document.createElement('li'); li.className = 'muted'; li.textContent = 'Click a node.'; ol.append(li);
      return;
    }
    for (const l of lines) { const li = document.createElement('li'); li.textContent = l; ol.append(li); }
  }

  cy.on('tap', 'node, edge', (evt) => showMember(evt.target));

  // ---- loading, live updates ----

  function message(text) {
    const m = $('message');
    m.hidden = !text;
    m.textContent = text || '';
  }

  async function getJson(url) {
    const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const why = body && (body.error || body.message || body.title);
      throw new Error(why ? why : 'HTTP ' + res.status);
    }
    return body;
  }

  async function load() {
    const ap = state.ap;
    document.body.dataset.state = 'loading';
    try {
      const set = await getJson(API + '/migration-set?ap=' + encodeURIComponent(ap));
      if (ap !== state.ap) return;   // the user picked another program meanwhile
      set.ap = set.ap || ap;
      state.data = set;
      state.loads += 1;
      message('');
      draw(set);
      summarize(set);
      document.body.dataset.state = 'ready';
    } catch (e) {
      if (ap !== state.ap) return;
      state.errors.push(String(e && e.stack || e));
      message('Could not load the migration set of ' + ap + ': ' + e.message);
      document.body.dataset.state = 'error';
    }
  }

  function summarize(set) {
    const files = set.files || [];
    const move = files.filter((f) => String(f.transfer).toUpperCase() === 'MOVE').length;
    const hosts = new Set((set.apps || []).map((a) => a.host || hostOfAp(a.ap)).concat(files.map((f) => f.host)));
    const external = new Set((set.external || []).map((e) => address(e.address)));
    $('summary').textContent = (set.apps || []).length + ' programs · ' + files.length + ' files (' +
      (files.length - move) + ' copy, ' + move + ' move) · ' + external.size + ' external · ' + hosts.size + ' hosts' +
      ' — updated ' + new Date().toLocaleTimeString();
    $('graph').dataset.nodes = String(cy.nodes().length);
    $('graph').dataset.edges = String(cy.edges().length);
  }

  function follow() {
    if (state.source) state.source.close();
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(API + '/migration-set/stream?ap=' + encodeURIComponent(state.ap));
    state.source = source;
    live('wait', 'connecting');
    source.addEventListener('set', (evt) => {
      let change = {};
      try { change = JSON.parse(evt.data); } catch (e) { return; }
      state.version = change.version || state.version + 1;
      if (change.status === 'UNAVAILABLE') { live('wait', 'store busy'); return; }
      live('on', 'live');
      if (change.status === 'ABSENT') {
        message('Tether has not seen ' + state.ap + ' (yet): the page will update when it does.');
        return;
      }
      load();
    });
    source.addEventListener('error', () => live('wait', 'reconnecting'));   // EventSource reconnects by itself
  }

  function live(cls, text) {
    const el = $('live');
    el.className = 'live ' + cls;
    el.textContent = text;
  }

  function select(ap) {
    ap = (ap || '').trim();
    if (!ap) return;
    state.ap = ap;
    state.loads = 0;
    state.data = null;
    cy.elements().remove();
    $('ap-input').value = ap;
    const url = new URL(window.location.href);
    url.searchParams.set('ap', ap);
    window.history.replaceState(null, '', url);
    markCurrent();
    const q = '?ap=' + encodeURIComponent(ap);
    const exports = $('export-links');
    exports.replaceChildren();
    exports.classList.remove('muted');
    [['JSON', API + '/migration-set' + q + '&format=json'], ['DOT', API + '/migration-set' + q + '&format=dot'],
     ['CSV', API + '/migration-set' + q + '&format=csv'], ['plan', API + '/plan' + q]].forEach(([label, href]) => {
      const a = document.createElement('a'); a.href = href; a.textContent = label; a.target = '_blank'; exports.append(a);
    });
    load();
    follow();
  }

  // ---- the list of programs ----

  async function loadAps() {
    try {
      const body = await getJson(API + '/aps');
      const list = Array.isArray(body) ? body : (body && (body.aps || body.items || body.apps)) || [];
      state.aps = list.map((x) => (typeof x === 'string' ? x : x.ap)).filter(Boolean).sort();
      renderAps();
    } catch (e) {
      $('ap-more').textContent = 'Could not list programs: ' + e.message;
    }
  }

  function renderAps() {
    const filter = $('ap-filter').value.trim().toLowerCase();
    const matches = state.aps.filter((ap) => ap.toLowerCase().includes(filter));
    const ul = $('ap-items');
    ul.replaceChildren();
    for (const ap of matches.slice(0, MAX_LISTED_APS)) {
      const li = document.createElement('li');
      li.textContent = ap;
      li.dataset.ap = ap;
      li.addEventListener('click', () => select(ap));
      ul.append(li);
    }
    $('ap-more').textContent = matches.length > MAX_LISTED_APS ? (matches.length - MAX_LISTED_APS) + ' more: filter to find them' : (state.aps.length === 0 ? 'No programs seen yet.' : '');
    const dl = $('ap-list');
    dl.replaceChildren();
    for (const ap of state.aps.slice(0, MAX_LISTED_APS)) { const o = document.createElement('option'); o.value = ap; dl.append(o); }
    markCurrent();
  }

  function markCurrent() {
    document.querySelectorAll('#ap-items li').forEach((li) => li.classList.toggle('current', li.dataset.ap === state.ap));
  }

  $('ap-filter').addEventListener('input', renderAps);
  $('search').addEventListener('submit', (evt) => { evt.preventDefault(); select($('ap-input').value); });

  window.tether = { cy: cy, state: state, select: select };   // for the browser test and for curious operators

  loadAps();
  const initial = new URL(window.location.href).searchParams.get('ap');
  if (initial) select(initial);
})();
