// The playground's editor: CodeMirror 6 with YAML highlighting, line numbers, undo/redo, Tab
// inserting spaces, and lint squiggles fed by the Rust core. Bundled by esbuild (cargo xtask);
// the Yew component `web/src/components/editor.rs` drives it through `window.NetsimEditor`.
import { EditorState } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars,
} from "@codemirror/view";
import { history, defaultKeymap, historyKeymap, indentMore } from "@codemirror/commands";
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

const editors = [];

window.NetsimEditor = {
  /** Creates an editor in `parent`; `onChange(text)` is called after every edit. */
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
          yaml(),
          syntaxHighlighting(highlight),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          lintGutter(),
          EditorState.readOnly.of(!!readOnly),
          // Mod-Enter belongs to the page (it sends the request), not to insertBlankLine.
          keymap.of([{ key: "Tab", run: insertSpaces }, { key: "Mod-Enter", run: () => true }, ...defaultKeymap, ...historyKeymap]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ "aria-label": "Kubernetes manifests (YAML)" }),
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
  /** Replaces the whole text (loading a scenario), keeping undo history. */
  setText(id, text) {
    const view = editors[id];
    if (!view || view.state.doc.toString() === text) return;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
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
