// <netsim-playground>: the kube-netsim playground as an element for course pages and slides, with
// no framework on the host page. A classic script (it works from mdBook's `additional-js`,
// MkDocs' `extra_javascript`, a reveal.js deck or a plain `<script src>`):
//
//   <script src="https://SITE/netsim-playground.js" defer></script>
//   <netsim-playground view="topology,requests" request="pod/client http://web/" readonly>
//     <script type="text/yaml">
//       apiVersion: v1
//       kind: Service
//       …
//     </script>
//   </netsim-playground>
//
// Attributes: `src` (a YAML file instead of the inline text), `view` (the panes, default
// `topology,requests`; also editor, objects, kubectl, dns, iptables, events), `readonly`, `height`
// (a CSS length or pixels, default 450), `theme` (`light` or `dark`; by default it follows the
// host page's prefers-color-scheme), `request` (`FROM TARGET`, the suggested request).
//
// Each element is a shadow root holding an iframe of the playground's embed mode from the site
// this script comes from, started when it first scrolls into view. The iframe keeps the
// playground in its own origin (its CSP, its offline copy, no CSS or script of the host page
// reaching in, none of ours reaching out), and the embeds of a page share one engine (a
// SharedWorker of that origin, `engine.js`). The manifests travel in the iframe's URL fragment
// as a share link (`#s=`, which never reaches a server), written here with the format's literal
// form; the text is only ever data: read with textContent, never parsed as markup.
(() => {
  const script = document.currentScript;
  const SITE = new URL("./", (script && script.src) || location.href);
  const PANES = ["editor", "topology", "requests", "objects", "kubectl", "dns", "iptables", "events"];

  // Bytes written in parts: LEB128 varints, raw bytes, and strings (varint length + UTF-8).
  function writer() {
    const parts = [];
    const utf8 = new TextEncoder();
    const w = {
      varint(v) {
        const b = [];
        while (v >= 0x80) {
          b.push((v % 0x80) | 0x80);
          v = Math.floor(v / 0x80);
        }
        b.push(v);
        parts.push(Uint8Array.from(b));
      },
      bytes(b) {
        parts.push(b instanceof Uint8Array ? b : Uint8Array.from(b));
      },
      str(s) {
        const b = utf8.encode(s);
        w.varint(b.length);
        parts.push(b);
      },
      done() {
        const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          out.set(p, at);
          at += p.length;
        }
        return out;
      },
    };
    return w;
  }

  // A share link (crates/netsim/src/share.rs, format 1): the payload (files, view, request, no
  // scenario) as an LZ77 stream of one literal run — valid for the decoder, no compression
  // needed — in base64url.
  function shareFragment(text, view, request) {
    const p = writer();
    p.varint(1);
    p.str("manifests.yaml");
    p.str(text);
    p.str(view);
    if (request) {
      p.bytes([1]);
      p.str(request[0]);
      p.str(request[1]);
    } else {
      p.bytes([0]);
    }
    p.bytes([0]);
    const payload = p.done();
    const z = writer();
    z.varint(payload.length);
    if (payload.length >= 15) {
      z.bytes([0xf0]);
      z.varint(payload.length - 15);
    } else {
      z.bytes([payload.length << 4]);
    }
    z.bytes(payload);
    return "#s=1." + base64url(z.done());
  }

  function base64url(bytes) {
    let bin = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Inline YAML is usually indented with the page's HTML: drop the common indentation and the
  // blank lines around it.
  function dedent(text) {
    const lines = text.replace(/\r\n?/g, "\n").split("\n");
    while (lines.length && !lines[0].trim()) lines.shift();
    while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
    const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^[ \t]*/)[0].length);
    const cut = indents.length ? Math.min(...indents) : 0;
    return lines.map((l) => l.slice(cut)).join("\n") + "\n";
  }

  const STYLE = `
    :host { display: block; position: relative; height: var(--netsim-height, 450px); margin: 1em 0; }
    :host([hidden]) { display: none; }
    iframe { display: block; width: 100%; height: 100%; border: 1px solid #8884; border-radius: 6px; box-sizing: border-box; }
    .placeholder { box-sizing: border-box; height: 100%; display: flex; align-items: center; justify-content: center;
      border: 1px dashed #8886; border-radius: 6px; font: 14px system-ui, sans-serif; color: #888; padding: 1em; text-align: center; }
  `;

  function styles(root) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      root.adoptedStyleSheets = [sheet];
    } catch {
      const style = document.createElement("style");
      style.textContent = STYLE;
      root.append(style);
    }
  }

  let visible = null;
  function watch(el) {
    if (!("IntersectionObserver" in window)) return el.start();
    if (!visible) {
      visible = new IntersectionObserver((entries) => {
        for (const e of entries) {
          if (e.isIntersecting) {
            visible.unobserve(e.target);
            e.target.start();
          }
        }
      }, { rootMargin: "200px" });
    }
    visible.observe(el);
  }

  class NetsimPlayground extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      styles(this.shadowRoot);
      this.note = document.createElement("div");
      this.note.className = "placeholder";
      this.note.setAttribute("part", "placeholder");
      this.note.textContent = "kube-netsim playground";
      this.shadowRoot.append(this.note);
      this.started = false;
    }

    connectedCallback() {
      const h = this.getAttribute("height");
      if (h) this.style.setProperty("--netsim-height", /^\d+$/.test(h) ? `${h}px` : h);
      if (!this.started) watch(this);
    }

    async text() {
      const src = this.getAttribute("src");
      if (src) {
        const r = await fetch(new URL(src, document.baseURI));
        if (!r.ok) throw new Error(`${src}: HTTP ${r.status}`);
        return r.text();
      }
      // The element may start before the parser has read its children.
      if (document.readyState === "loading") {
        await new Promise((ok) => document.addEventListener("DOMContentLoaded", ok, { once: true }));
      }
      const inline = this.querySelector(":scope > script[type='text/yaml'], :scope > script[type='application/yaml']");
      if (!inline) throw new Error("no manifests: add <script type=\"text/yaml\"> inside, or src=");
      return dedent(inline.textContent);
    }

    async start() {
      if (this.started) return;
      this.started = true;
      let text;
      try {
        text = await this.text();
      } catch (e) {
        this.note.textContent = `kube-netsim: ${e.message}`;
        return;
      }
      const panes = (this.getAttribute("view") || "topology,requests")
        .split(",")
        .map((p) => p.trim())
        .filter((p) => PANES.includes(p));
      if (!panes.length) panes.push("topology");
      const words = (this.getAttribute("request") || "").trim().split(/\s+/);
      const request = words.length >= 2 ? [words[0], words.slice(1).join(" ")] : null;
      const view = panes.find((p) => p !== "editor" && p !== "requests") || "topology";
      // The playground's theme: the one asked for, else the system's prefers-color-scheme (the
      // host page's too).
      const theme = this.getAttribute("theme");
      const fixed = theme === "light" || theme === "dark" ? theme : null;
      const url = new URL(SITE);
      url.search = `?embed&view=${panes.join(",")}${this.hasAttribute("readonly") ? "&readonly" : ""}` +
        (fixed ? `&theme=${fixed}` : "");
      url.hash = shareFragment(text, view, request);
      const frame = document.createElement("iframe");
      frame.title = this.getAttribute("title") || "kube-netsim playground";
      frame.setAttribute("part", "frame");
      frame.setAttribute("allow", "clipboard-write");
      frame.style.colorScheme = fixed || "light dark";
      frame.src = url.href;
      this.note.replaceWith(frame);
      this.frame = frame;
      this.dispatchEvent(new Event("netsim-start"));
    }
  }

  if (!customElements.get("netsim-playground")) customElements.define("netsim-playground", NetsimPlayground);
})();
