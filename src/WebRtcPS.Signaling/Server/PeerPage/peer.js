// WebRtcPS peer page: the browser's own RTCPeerConnection speaking the original tool's signaling
// protocol (POST send, streamed GET receive?id=) to the server that served this page.
// Everything it sees goes into window.wrtc.events (tests read it) and onto the page.
'use strict';

(() => {
  const query = new URLSearchParams(location.search);
  const role = (query.get('role') || 'answerer').toLowerCase() === 'offerer' ? 'offerer' : 'answerer';
  const id = query.get('id') || (role === 'offerer' ? 'offer-peer-1' : 'answer-peer-1');
  const remoteId = query.get('remoteId') || (role === 'offerer' ? 'answer-peer-1' : 'offer-peer-1');
  const label = query.get('label') || 'testChannel';
  const greeting = query.get('greeting') ?? (role === 'offerer' ? 'Hello from the Offerer!' : 'Hello from the Answerer!');
  const echo = query.get('echo') === '1';
  const base = new URL('.', location.href); // same origin: no CORS involved

  const started = performance.now();
  const wrtc = window.wrtc = {
    role, id, remoteId, label, events: [], messages: [], pc: null, channel: null, selectedPair: null,
    send: text => sendMessage(text),
  };

  // ---- what the page shows -------------------------------------------------------------------
  const $ = name => document.getElementById(name);
  function record(kind, text, data, css) {
    const event = { kind, text, ms: Math.round(performance.now() - started), ...data };
    wrtc.events.push(event);
    const line = document.createElement('div');
    line.textContent = `${(event.ms / 1000).toFixed(3).padStart(8)}s  ${kind.padEnd(10)} ${text}`;
    if (css) line.className = css;
    $('log').appendChild(line);
    return event;
  }
  function show(field, value) { $(field).textContent = value; }
  function showCandidate(side, c, url) {
    const row = document.createElement('tr');
    for (const v of [side, c.type, c.protocol, c.address, c.port, c.priority, url || '']) {
      const cell = document.createElement('td');
      cell.textContent = v ?? '';
      row.appendChild(cell);
    }
    $('candidates').tBodies[0].appendChild(row);
  }
  // "candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ..."
  function parseCandidate(line) {
    const f = line.replace(/^a=/, '').replace(/^candidate:/, '').split(' ');
    return { protocol: (f[2] || '').toLowerCase(), priority: f[3], address: f[4], port: f[5], type: f[7] };
  }

  // ---- settings ------------------------------------------------------------------------------
  function iceServers() {
    const urls = query.getAll('ice').flatMap(v => v.split(',')).map(u => u.trim()).filter(u => u);
    const username = query.get('username') || undefined;
    const credential = query.get('credential') || undefined;
    return urls.map(url => /^turns?:/i.test(url) ? { urls: url, username, credential } : { urls: url });
  }
  function channelInit() {
    const init = {};
    if (query.get('ordered') === '0') init.ordered = false;
    if (query.has('maxRetransmits')) init.maxRetransmits = Number(query.get('maxRetransmits'));
    if (query.has('maxPacketLifeTime')) init.maxPacketLifeTime = Number(query.get('maxPacketLifeTime'));
    return init;
  }
  function fillForm() {
    const form = $('settings');
    for (const name of ['id', 'remoteId', 'label', 'username', 'credential']) if (query.has(name)) form.elements[name].value = query.get(name);
    form.elements.role.value = role;
    form.elements.ice.value = query.getAll('ice').join(',');
    form.elements.relayOnly.checked = query.get('relayOnly') === '1';
    form.elements.echo.checked = echo;
  }

  // ---- signaling: POST send, GET receive?id= as one long stream of JSON objects --------------
  async function post(type, content) {
    const body = JSON.stringify({ type, content, to: remoteId, from: id });
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(new URL('send', base), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        if (response.ok) return;
        if (response.status !== 429 && response.status < 500) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      } catch (e) {
        if (attempt >= 5) { record('error', `send ${type} failed: ${e.message}`, {}, 'error'); return; }
      }
      await new Promise(r => setTimeout(r, 200 * attempt));
    }
  }

  // The stream has no framing beyond the objects themselves (SEED-PROTOCOL): take each complete
  // top-level {...} out of the text, minding strings and escapes; keep the unfinished tail.
  function takeObjects(text, onObject) {
    let depth = 0, inString = false, escaped = false, start = -1, consumed = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') { if (depth++ === 0) start = i; }
      else if (c === '}' && depth > 0 && --depth === 0) { onObject(text.slice(start, i + 1)); consumed = i + 1; }
    }
    return depth === 0 ? '' : text.slice(consumed);
  }

  let connected;
  const connectedOnce = new Promise(r => { connected = r; });
  async function receiveLoop() {
    for (let failures = 0; ; ) {
      try {
        const response = await fetch(new URL(`receive?id=${encodeURIComponent(id)}`, base), { cache: 'no-store' });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        failures = 0;
        show('signaling', `receiving as ${id}`);
        connected();
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let pending = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          pending = takeObjects(pending + decoder.decode(value, { stream: true }), json => onSignal(JSON.parse(json)));
        }
        record('signaling', 'receive stream ended; reconnecting');
      } catch (e) {
        failures++;
        record('signaling', `receive failed (${e.message}); retrying`, {}, 'error');
        show('signaling', 'reconnecting');
      }
      await new Promise(r => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(failures, 5))));
    }
  }

  // ---- the peer connection -------------------------------------------------------------------
  const heldCandidates = []; // candidates that came before the remote description (seed behaviour)
  let signalChain = Promise.resolve(); // one signal at a time, in arrival order

  function onSignal(message) {
    if (message.type === 'heartbeat') return;
    signalChain = signalChain.then(() => handleSignal(message)).catch(e => record('error', `${message.type}: ${e.message}`, {}, 'error'));
  }

  async function handleSignal(message) {
    const pc = wrtc.pc;
    switch (message.type) {
      case 'offer':
        record('signaling', `offer from ${message.from}`, { sdp: message.content });
        await pc.setRemoteDescription({ type: 'offer', sdp: message.content });
        await applyHeldCandidates();
        await pc.setLocalDescription(await pc.createAnswer());
        await post('answer', pc.localDescription.sdp);
        record('signaling', `answer sent to ${remoteId}`, { sdp: pc.localDescription.sdp });
        break;
      case 'answer':
        record('signaling', `answer from ${message.from}`, { sdp: message.content });
        await pc.setRemoteDescription({ type: 'answer', sdp: message.content });
        await applyHeldCandidates();
        break;
      case 'candidate': {
        const c = parseCandidate(message.content);
        record('candidate', `remote ${c.type} ${c.protocol} ${c.address}:${c.port}`, { side: 'remote', candidate: message.content, ...c });
        showCandidate('remote', c);
        if (!pc.remoteDescription) heldCandidates.push(message.content);
        else await addCandidate(message.content);
        break;
      }
      default:
        record('signaling', `ignored message of type '${message.type}'`);
    }
  }
  // The data-channel session has one media section (SEED-PROTOCOL: no sdpMid on the wire).
  const addCandidate = line => wrtc.pc.addIceCandidate({ candidate: line, sdpMLineIndex: 0 });
  async function applyHeldCandidates() {
    while (heldCandidates.length) await addCandidate(heldCandidates.shift());
  }

  async function showSelectedPair() {
    const stats = await wrtc.pc.getStats();
    let pair = null;
    stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
    if (!pair) stats.forEach(s => { if (!pair && s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) pair = s; });
    if (!pair) return;
    const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
    const side = c => ({ type: c.candidateType, protocol: c.protocol, address: c.address, port: c.port, relayProtocol: c.relayProtocol });
    const selected = { local: side(local), remote: side(remote) };
    const text = `${local.candidateType} ${local.protocol} ${local.address}:${local.port} <-> ${remote.candidateType} ${remote.address}:${remote.port}`;
    if (wrtc.selectedPair && JSON.stringify(wrtc.selectedPair) === JSON.stringify(selected)) return;
    wrtc.selectedPair = selected;
    show('selectedPair', text);
    record('pair', `selected ${text}`, { selected });
  }

  function attachChannel(channel) {
    wrtc.channel = channel;
    channel.binaryType = 'arraybuffer';
    show('channelState', `${channel.label}: ${channel.readyState}`);
    channel.onopen = () => {
      show('channelState', `${channel.label}: open`);
      record('channel', `'${channel.label}' open (id ${channel.id}, ordered ${channel.ordered})`, { open: true }, 'state');
      $('text').disabled = $('sendButton').disabled = false;
      if (greeting) sendMessage(greeting);
      showSelectedPair();
    };
    channel.onclose = () => {
      show('channelState', `${channel.label}: closed`);
      record('channel', `'${channel.label}' closed`, { closed: true }, 'state');
    };
    channel.onerror = e => record('error', `channel error: ${e.error ? e.error.message : e}`, {}, 'error');
    channel.onmessage = e => {
      const text = typeof e.data === 'string' ? e.data : null;
      const size = text !== null ? text.length : e.data.byteLength;
      wrtc.messages.push(e.data);
      if (wrtc.onmessage) wrtc.onmessage(e.data);
      if (echo) channel.send(e.data);
      // Bulk and echo runs would drown the page: show the first messages, count the rest.
      if (wrtc.messages.length <= 50) record('message', text !== null ? `received: ${text}` : `received ${size} bytes`, { received: text, size }, 'message');
      else if (wrtc.messages.length % 1000 === 0) record('message', `${wrtc.messages.length} messages received`, { count: wrtc.messages.length });
    };
  }

  function sendMessage(text) {
    if (!wrtc.channel || wrtc.channel.readyState !== 'open') { record('error', 'the channel is not open', {}, 'error'); return false; }
    wrtc.channel.send(text);
    record('message', `sent: ${text}`, { sent: text });
    return true;
  }

  async function start() {
    show('who', `${role} ${id} -> ${remoteId}, channel '${label}'`);
    const configuration = { iceServers: iceServers() };
    if (query.get('relayOnly') === '1') configuration.iceTransportPolicy = 'relay';
    const pc = wrtc.pc = new RTCPeerConnection(configuration);
    record('config', `ICE servers: ${configuration.iceServers.map(s => s.urls).join(', ') || 'none'}${configuration.iceTransportPolicy ? ', relay only' : ''}`);

    pc.onicecandidate = e => {
      if (!e.candidate || !e.candidate.candidate) { record('candidate', 'gathering complete'); return; }
      const c = parseCandidate(e.candidate.candidate);
      record('candidate', `local ${c.type} ${c.protocol} ${c.address}:${c.port}`, { side: 'local', candidate: e.candidate.candidate, url: e.candidate.url, ...c });
      showCandidate('local', c, e.candidate.url);
      post('candidate', e.candidate.candidate);
    };
    pc.onicecandidateerror = e => record('error', `candidate error ${e.errorCode} ${e.errorText} (${e.url})`, {}, 'error');
    for (const name of ['iceGatheringState', 'iceConnectionState', 'connectionState', 'signalingState']) {
      pc[`on${name.toLowerCase().replace('state', '')}statechange`] = () => {
        const value = pc[name];
        if ($(name)) show(name, value);
        record('state', `${name} ${value}`, { name, value }, 'state');
        if (name === 'iceConnectionState' && (value === 'connected' || value === 'completed')) showSelectedPair();
      };
    }
    pc.ondatachannel = e => attachChannel(e.channel);

    receiveLoop();
    await connectedOnce; // the answer must find us listening
    if (role === 'offerer') {
      attachChannel(pc.createDataChannel(label, channelInit()));
      await pc.setLocalDescription(await pc.createOffer());
      await post('offer', pc.localDescription.sdp);
      record('signaling', `offer sent to ${remoteId}`, { sdp: pc.localDescription.sdp });
    } else {
      record('signaling', `waiting for an offer from ${remoteId}`);
    }
    setInterval(() => { if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') showSelectedPair(); }, 2000);
  }

  $('sendForm').addEventListener('submit', e => {
    e.preventDefault();
    if (sendMessage($('text').value)) $('text').value = '';
  });
  fillForm();
  if (query.has('role')) start().catch(e => record('error', e.message, {}, 'error'));
  else record('config', 'choose the settings and press Start');
})();
