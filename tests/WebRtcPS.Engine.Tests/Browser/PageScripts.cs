namespace WebRtcPS.Engine.Tests.Browser;

/// <summary>Functions the lab agent evaluates in the /peer page (its state is <c>window.wrtc</c>).</summary>
internal static class PageScripts
{
    private const string Hex = "const hex = b => [...new Uint8Array(b)].map(x => x.toString(16).padStart(2, '0')).join('');";

    /// <summary>(): where Chromium's send side stands when a scenario failed: the channel's
    /// bufferedAmount (a message queued and never sent stays in it), and the data-channel,
    /// transport and nominated pair counters of getStats.</summary>
    public const string SendSide = """
        async () => {
          const out = { bufferedAmount: window.wrtc.channel ? window.wrtc.channel.bufferedAmount : null,
                        readyState: window.wrtc.channel ? window.wrtc.channel.readyState : null,
                        sctpState: window.wrtc.pc.sctp ? window.wrtc.pc.sctp.state : null, stats: [] };
          (await window.wrtc.pc.getStats()).forEach(s => {
            if (s.type === 'data-channel' || s.type === 'transport' || (s.type === 'candidate-pair' && s.nominated))
              out.stats.push({ type: s.type, state: s.state || s.dtlsState, messagesSent: s.messagesSent, bytesSent: s.bytesSent,
                               packetsSent: s.packetsSent, messagesReceived: s.messagesReceived, bytesReceived: s.bytesReceived,
                               packetsReceived: s.packetsReceived });
          });
          return out;
        }
        """;

    /// <summary>(total): collects binary messages into <c>window.wrtcBulk</c>, a promise of {bytes, messages, sha256}.</summary>
    public const string Collect = "total => { " + Hex + """
         window.wrtcBulk = new Promise(resolve => {
           const parts = []; let bytes = 0;
           window.wrtc.onmessage = d => {
             if (typeof d === 'string') return;
             parts.push(new Uint8Array(d)); bytes += d.byteLength;
             if (bytes < total) return;
             const all = new Uint8Array(bytes); let offset = 0;
             for (const p of parts) { all.set(p, offset); offset += p.length; }
             window.wrtc.messages.length = 0;
             crypto.subtle.digest('SHA-256', all).then(h => resolve({ bytes, messages: parts.length, sha256: hex(h) }));
           };
         });
       }
       """;

    /// <summary>(total, size): sends random bytes in messages of size, minding bufferedAmount; {sha256, ms}.</summary>
    public const string Send = "async (total, size) => { " + Hex + """
         const data = new Uint8Array(total);
         for (let o = 0; o < total; o += 65536) crypto.getRandomValues(data.subarray(o, Math.min(total, o + 65536)));
         const channel = window.wrtc.channel;
         channel.bufferedAmountLowThreshold = 1 << 20;
         const started = performance.now();
         for (let o = 0; o < total; o += size) {
           if (channel.bufferedAmount > 4 << 20) await new Promise(r => channel.addEventListener('bufferedamountlow', r, { once: true }));
           channel.send(data.subarray(o, Math.min(total, o + size)));
         }
         while (channel.bufferedAmount > 0) await new Promise(r => setTimeout(r, 5));
         const ms = performance.now() - started;
         return { sha256: hex(await crypto.subtle.digest('SHA-256', data)), ms };
       }
       """;

    /// <summary>What the page saw, for the test to assert on.</summary>
    public const string Facts = """
        () => {
          const w = window.wrtc;
          const texts = w.events.filter(e => e.kind === 'message' && typeof e.received === 'string').map(e => e.received);
          const ms = kind => { const e = w.events.find(kind); return e ? e.ms : null; };
          return {
            received: texts.length ? texts[0] : null,
            local_candidates: w.events.filter(e => e.kind === 'candidate' && e.side === 'local').map(e => e.candidate),
            remote_candidates: w.events.filter(e => e.kind === 'candidate' && e.side === 'remote').map(e => e.candidate),
            selected_pair: w.selectedPair,
            connection_state: w.pc.connectionState,
            ice_connection_state: w.pc.iceConnectionState,
            states: w.events.filter(e => e.kind === 'state').map(e => `${e.name} ${e.value}`),
            channel: w.channel && { label: w.channel.label, ordered: w.channel.ordered, maxRetransmits: w.channel.maxRetransmits, readyState: w.channel.readyState },
            errors: w.events.filter(e => e.kind === 'error').map(e => e.text),
            setup_ms: w.role === 'offerer' ? ms(e => e.kind === 'channel' && e.open) - ms(e => e.kind === 'signaling' && e.text.startsWith('offer sent')) : null,
          };
        }
        """;
}
