// The playground's editor: CodeMirror 6 with YAML highlighting, line numbers, undo/redo, Tab
// inserting spaces, and lint squiggles fed by the Rust core. Bundled by esbuild (cargo xtask);
// the Yew component `web/src/components/editor.rs` drives it through `window.NetsimEditor`.
import { EditorState, Compartment } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars, showPanel,
} from "@codemirror/view";
import { history, defaultKeymap, historyKeymap, indentMore, isolateHistory } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import {
  syntaxHighlighting, defaultHighlightStyle, indentUnit, bracketMatching, HighlightStyle,
} from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { setDiagnostics, lintGutter } from "@codemirror/lint";

// Colours that read on both themes; the page's CSS variables drive the rest.
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--syn-key)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--syn-string)" },
  { tag: [tags.number, tags.bool, tags.null], color: "var(--syn-number)" },
  { tag: tags.comment, color: "var(--syn-comment)", fontStyle: "italic" },
  { tag: [tags.meta, tags.typeName, tags.labelName], color: "var(--syn-meta)" },
  { tag: tags.separator, color: "var(--syn-punct)" },
]);

// Tab inserts two spaces (YAML forbids tabs for indentation); with a selection it indents.
function insertSpaces(view) {
  const sel = view.state.selection.main;
  if (!sel.empty) return indentMore(view);
  view.dispatch(view.state.replaceSelection("  "));
  return true;
}

// Big texts. The page must never hold the main thread for 100 ms (issue 10), whatever is pasted:
// - CodeMirror takes a paste in one task (≈ 90 ms per megabyte), so a paste over PASTE_SLICE
//   characters goes in slices, one task each, joined into one undo step (slices after the
//   first carry no user event, touch the previous one and follow within history's 500 ms);
// - the YAML parser behind the colours works in idle-time slices (bounded by the idle deadline:
//   the bundle is built with `navigator.scheduling` undefined, see crates/xtask/src/site.rs, so
//   @codemirror/language does not stretch them to 100 ms), but finishing a parse builds the
//   tree in one go, ≈ 10 ms per 100 KB: over LARGE_TEXT characters the colours are off, with a
//   note saying so (as big-file modes in other editors do).
const PASTE_SLICE = 256 * 1024;
const LARGE_TEXT = 1000 * 1000;

const language = new Compartment();

function largeNote() {
  const dom = document.createElement("div");
  dom.className = "cm-large-note";
  dom.setAttribute("data-testid", "editor-large-note");
  dom.textContent = "Syntax colours are off for texts over 1 MB, so typing stays fast.";
  return { dom, top: true };
}

const languageFor = (length) => (length > LARGE_TEXT ? showPanel.of(largeNote) : yaml());

// Sliced pastes in progress (the colours are off meanwhile, see pasteInSlices).
let slicing = 0;

// Switches the colours off (or back on) in the transaction that crosses LARGE_TEXT.
const largeTextMode = EditorState.transactionExtender.of((tr) => {
  if (!tr.docChanged || slicing > 0) return null;
  const was = tr.startState.doc.length > LARGE_TEXT;
  const is = tr.newDoc.length > LARGE_TEXT;
  return was === is ? null : { effects: language.reconfigure(languageFor(tr.newDoc.length)) };
});

// Where the paste slice starting at `pos` ends: after a line break, so no slice ends inside a
// surrogate pair; in a very long line, at PASTE_SLICE characters, past a pair's first half.
function sliceEnd(text, pos) {
  if (pos + PASTE_SLICE >= text.length) return text.length;
  const nl = text.indexOf("\n", pos + PASTE_SLICE);
  if (nl >= 0 && nl < pos + 2 * PASTE_SLICE) return nl + 1;
  const end = pos + PASTE_SLICE;
  const before = text.charCodeAt(end - 1);
  return before >= 0xd800 && before < 0xdc00 ? end + 1 : end;
}

// The sliced paste in progress, per editor: where its next slice goes (mapped through every
// change: the learner may type between slices) and pastes that came meanwhile.
const pasting = new Map();

function pasteInSlices(view, text, queued) {
  const sel = view.state.selection.main;
  const job = { at: sel.from, own: false, queued };
  pasting.set(view, job);
  slicing += 1;
  let pos = 0;
  const step = () => {
    if (pasting.get(view) !== job || !view.dom.isConnected) {
      slicing -= 1;
      return;
    }
    const first = pos === 0;
    const end = sliceEnd(text, pos);
    const insert = text.slice(pos, end);
    const last = end === text.length;
    const from = first ? sel.from : job.at;
    // The parser would redo up to 20 ms of work and rebuild its tree in every slice: it is off
    // from the first slice and back (if the text is not too large) with the last.
    const effects = [];
    if (first) effects.push(language.reconfigure([]));
    if (last) {
      slicing -= 1;
      const length = view.state.doc.length + insert.length - (first ? sel.to - sel.from : 0);
      effects.push(language.reconfigure(languageFor(length)));
    }
    job.own = true;
    try {
      view.dispatch({
        changes: first ? { from, to: sel.to, insert } : { from, insert },
        selection: { anchor: from + insert.length },
        scrollIntoView: last,
        effects,
        ...(first ? { userEvent: "input.paste" } : {}),
      });
    } finally {
      job.own = false;
    }
    job.at = from + insert.length;
    pos = end;
    if (!last) {
      setTimeout(step, 0);
      return;
    }
    pasting.delete(view);
    if (job.queued.length) pasteInSlices(view, job.queued.shift(), job.queued);
  };
  step();
}

const slicedPaste = EditorView.domEventHandlers({
  paste(event, view) {
    const text = event.clipboardData && event.clipboardData.getData("text/plain");
    if (!text || view.state.readOnly) return false;
    // Read a selection the DOM made just now (CodeMirror's own paste handler does the same).
    if (view.observer && view.observer.flush) view.observer.flush();
    const job = pasting.get(view);
    if (job) {
      // After the paste still going in, in order.
      event.preventDefault();
      job.queued.push(text.replace(/\r\n?/g, "\n"));
      return true;
    }
    if (text.length <= PASTE_SLICE) return false;
    event.preventDefault();
    // The document keeps "\n" for every line break (CodeMirror splits on \r\n, \r and \n), so
    // offsets are counted in the text as it will stand.
    pasteInSlices(view, text.replace(/\r\n?/g, "\n"), []);
    return true;
  },
});

const editors = [];

window.NetsimEditor = {
  /**
   * Creates an editor in `parent`; `onChange()` is called after every edit (read the text with
   * `getText` when needed: copying it per keystroke would cost a big text dearly).
   */
  create(parent, text, onChange, readOnly) {
    const view = new EditorView({
      parent,
      state: EditorState.create({
        doc: text,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          indentUnit.of("  "),
          bracketMatching(),
          highlightActiveLine(),
          language.of(languageFor(text.length)),
          largeTextMode,
          slicedPaste,
          syntaxHighlighting(highlight),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          lintGutter(),
          EditorState.readOnly.of(!!readOnly),
          // Mod-Enter belongs to the page (it sends the request), not to insertBlankLine.
          keymap.of([{ key: "Tab", run: insertSpaces }, { key: "Mod-Enter", run: () => true }, ...defaultKeymap, ...historyKeymap]),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            const job = pasting.get(u.view);
            if (job && !job.own) job.at = u.changes.mapPos(job.at, 1);
            onChange();
          }),
          // An explicit tabindex: the text is the scroller's keyboard-focusable content (axe
          // scrollable-region-focusable), also when read-only (contenteditable is then false).
          EditorView.contentAttributes.of({ "aria-label": "Kubernetes manifests (YAML)", tabindex: "0" }),
        ],
      }),
    });
    editors.push(view);
    return editors.length - 1;
  },
  /** The whole text. */
  getText(id) {
    const view = editors[id];
    return view ? view.state.doc.toString() : "";
  },
  /** An immutable snapshot of the text: CodeMirror's `Text`, so taking one copies nothing. */
  snapshot(id) {
    const view = editors[id];
    return view ? view.state.doc : null;
  },
  /** A snapshot's length in UTF-16 units. */
  snapshotLength(doc) {
    return doc ? doc.length : 0;
  },
  /**
   * A snapshot's size in UTF-8 bytes (what the page stores and links), counted chunk by chunk
   * without joining the text: a surrogate pair is 4 bytes, its halves counted 2 each.
   */
  snapshotUtf8Length(doc) {
    if (!doc) return 0;
    let n = doc.lines - 1; // the line breaks
    for (const chunk of doc.iterLines()) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xe000 ? 2 : 3;
      }
    }
    return n;
  },
  /**
   * A snapshot's text from UTF-16 offset `from` to the end of the line at `from + max` (its line
   * break included; in a line longer than `2 * max`, at `from + max`), so a big text can be
   * copied a slice per task and no slice splits a character.
   */
  snapshotSlice(doc, from, max) {
    const target = Math.min(from + max, doc.length);
    let to = target >= doc.length ? doc.length : Math.min(doc.lineAt(target).to + 1, doc.length);
    if (to - from > 2 * max) {
      // A very long line: cut inside it, never between the halves of a surrogate pair.
      const last = doc.sliceString(target - 1, target).charCodeAt(0);
      to = last >= 0xd800 && last < 0xdc00 ? target + 1 : target;
    }
    return doc.sliceString(from, to);
  },
  /** Replaces the whole text (loading a scenario), keeping undo history. */
  setText(id, text) {
    const view = editors[id];
    if (!view || view.state.doc.toString() === text) return;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  },
  /**
   * Applies edits as JSON: [{from, to, text}] with UTF-16 offsets into the current text (a
   * diagnostic's fix, the version select), as one transaction: one undo step of its own.
   */
  applyEdits(id, json) {
    const view = editors[id];
    if (!view) return false;
    const len = view.state.doc.length;
    const changes = JSON.parse(json)
      .map((e) => ({ from: Math.min(e.from, len), to: Math.min(Math.max(e.to, e.from), len), insert: e.text }))
      .sort((a, b) => a.from - b.from);
    view.dispatch({
      changes,
      annotations: isolateHistory.of("full"),
      userEvent: "input.fix",
      scrollIntoView: true,
    });
    return true;
  },
  /** Diagnostics as JSON: [{from, to, severity, message}] with UTF-16 offsets. */
  setDiagnostics(id, json) {
    const view = editors[id];
    if (!view) return;
    const len = view.state.doc.length;
    const diags = JSON.parse(json).map((d) => ({
      from: Math.min(d.from, len),
      to: Math.min(Math.max(d.to, d.from), len),
      severity: d.severity,
      message: d.message,
    }));
    view.dispatch(setDiagnostics(view.state, diags));
  },
  /** Moves the cursor to a UTF-16 offset, scrolls it into view, and focuses the editor. */
  reveal(id, from, to) {
    const view = editors[id];
    if (!view) return;
    const len = view.state.doc.length;
    view.dispatch({
      selection: { anchor: Math.min(from, len), head: Math.min(to, len) },
      scrollIntoView: true,
    });
    view.focus();
  },
};
