// The query workbench: CodeMirror 6 over the plain form at /sparql. The form works without this
// script; with it the textarea becomes an editor with SPARQL highlighting, bracket matching,
// comment toggling, Ctrl+Enter to run, completion from this graph (/sparql/complete), the
// endpoint's error as a marker, query tabs and history (localStorage), and a sortable, paged table.
import "./workbench.css";
import { EditorState } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
} from "@codemirror/view";
import {
  StreamLanguage, bracketMatching, syntaxHighlighting, defaultHighlightStyle, indentOnInput,
} from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { defaultKeymap, history, historyKeymap, toggleComment, indentWithTab } from "@codemirror/commands";
import {
  autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap, startCompletion,
} from "@codemirror/autocomplete";
import { lintGutter, setDiagnostics } from "@codemirror/lint";

const NONCE = document.currentScript ? document.currentScript.nonce : "";
const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND",
  "VALUES", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "PREFIX", "ASK", "CONSTRUCT", "DESCRIBE",
  "COUNT", "SAMPLE", "GROUP_CONCAT", "LANG", "LANGMATCHES", "STR", "CONTAINS", "STRSTARTS", "REGEX",
  "COALESCE", "EXISTS", "NOT EXISTS", "DESC", "ASC", "AS", "isIRI", "isLiteral", "BOUND"];
const STORE_TABS = "partnergraph.workbench.tabs";
const STORE_HISTORY = "partnergraph.workbench.history";
const HISTORY_MAX = 50;
const PAGE_ROWS = 50;

function load(key, fallback) {
  try {
    const value = JSON.parse(window.localStorage.getItem(key));
    return value === null ? fallback : value;
  } catch (err) {
    return fallback;
  }
}

function save(key, value) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch (err) {
    // storage full or disabled: tabs and history are a convenience, the form still works
  }
}

// -- reading the query around the cursor -----------------------------------------------------------

function declaredPrefixes(text) {
  const found = {};
  const re = /PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>/gi;
  let m;
  while ((m = re.exec(text))) found[m[1] || ""] = m[2];
  return found;
}

// Where the token being typed stands in its triple pattern: subject, predicate or object.
function position(before) {
  const statement = before.replace(/"(?:[^"\\\n]|\\.)*"|<[^>\s]*>/g, "X").split(/[.{}]/).pop();
  const afterSemicolon = statement.lastIndexOf(";");
  const afterComma = statement.lastIndexOf(",");
  const tail = statement.slice(Math.max(afterSemicolon, afterComma) + 1);
  const terms = tail.trim().split(/\s+/).filter(Boolean);
  const typing = /\S$/.test(tail) ? 1 : 0;
  let index = terms.length - typing;
  if (afterComma > afterSemicolon) index += 2;
  else if (afterSemicolon >= 0) index += 1;
  const subject = statement.trim().split(/\s+/)[0] || "";
  const previous = terms[terms.length - typing - 1] || "";
  return { index, subject, previous };
}

function subjectClass(text, subject, prefixes) {
  if (!subject || !subject.startsWith("?")) return null;
  const name = subject.replace(/[^\w?$]/g, "").replace(/^\$/, "?");
  const re = new RegExp("\\" + name + "\\s+(?:a|rdf:type)\\s+([\\w-]*:[\\w-]+|<[^>]+>)");
  const m = re.exec(text);
  if (!m) return null;
  const term = m[1];
  if (term.startsWith("<")) return term.slice(1, -1);
  const [prefix, local] = term.split(":");
  return prefixes[prefix] ? prefixes[prefix] + local : null;
}

function withPrefixLine(view, declared, prefixes) {
  const text = view.state.doc.toString();
  const have = declaredPrefixes(text);
  const lines = [];
  for (const [name, ns] of Object.entries(prefixes || {})) {
    if (!(name in have) && !(name in declared)) lines.push(`PREFIX ${name}: <${ns}>\n`);
  }
  if (!lines.length) return null;
  // after the last PREFIX line, else at the top (after leading comments)
  const re = /^PREFIX[^\n]*\n/gim;
  let at = 0;
  let m;
  while ((m = re.exec(text))) at = m.index + m[0].length;
  if (!at) {
    const comments = /^(?:#[^\n]*\n)*/.exec(text);
    at = comments ? comments[0].length : 0;
  }
  return { from: at, insert: lines.join("") };
}

function graphCompletions(completeUrl, lang) {
  let controller = null;
  return async (context) => {
    const variable = context.matchBefore(/[?$][\w]*/);
    const text = context.state.doc.toString();
    if (variable) {
      const names = new Set();
      for (const m of text.matchAll(/[?$]([A-Za-z_]\w*)/g)) names.add("?" + m[1]);
      names.delete(variable.text);
      return {
        from: variable.from,
        options: [...names].sort().map((name) => ({ label: name, type: "variable", detail: "in scope" })),
        validFor: /^[?$]\w*$/,
      };
    }
    const word = context.matchBefore(/[A-Za-z_][\w-]*:?[\w-]*/);
    if (!word && !context.explicit) return null;
    const token = word ? word.text : "";
    if (!context.explicit && token.length < 2 && !token.includes(":")) return null;
    const before = text.slice(0, word ? word.from : context.pos);
    if (/PREFIX\s+$/i.test(before)) return null;
    const prefixes = declaredPrefixes(text);
    const where = position(before);
    let ctx = "any";
    if (where.previous === "a" || where.previous === "rdf:type") ctx = "class";
    else if (where.index === 1) ctx = "property";
    const cls = ctx === "property" ? subjectClass(text, where.subject, prefixes) : null;
    const params = new URLSearchParams({ q: token, ctx, lang });
    if (cls) params.set("cls", cls);
    if (controller) controller.abort();
    controller = new AbortController();
    let items = [];
    try {
      const response = await fetch(`${completeUrl}?${params}`, { signal: controller.signal,
                                                                 headers: { Accept: "application/json" } });
      if (response.ok) items = (await response.json()).items;
    } catch (err) {
      if (err.name === "AbortError") return null;
    }
    const options = items.map((item, rank) => ({
      label: item.label,
      displayLabel: item.kind === "resource" ? item.label : undefined,
      detail: item.kind === "resource" ? item.detail : [item.detail, item.count ? `${item.count.toLocaleString()} uses` : ""]
        .filter(Boolean).join(" · "),
      type: { class: "class", property: "property", prefix: "namespace", resource: "constant" }[item.kind] || "text",
      boost: 99 - Math.min(rank, 99),
      apply: (view, completion, from, to) => {
        const changes = [{ from, to, insert: item.apply }];
        const prefixLine = withPrefixLine(view, {}, item.prefixes);
        if (prefixLine) changes.push(prefixLine);
        view.dispatch({ changes, selection: { anchor: from + item.apply.length + (prefixLine && prefixLine.from <= from ? prefixLine.insert.length : 0) } });
      },
      filterText: item.kind === "resource" ? token : item.label,
    }));
    if (!token.includes(":")) {
      for (const kw of KEYWORDS) {
        if (kw.toLowerCase().startsWith(token.toLowerCase())) options.push({ label: kw, type: "keyword", boost: -1 });
      }
    }
    return { from: word ? word.from : context.pos, options, filter: false };
  };
}

// -- the endpoint's error as a marker ----------------------------------------------------------------

function errorDiagnostics(state, textarea) {
  const line = parseInt(textarea.dataset.errorLine || "0", 10);
  if (!line || line > state.doc.lines) return [];
  const info = state.doc.line(line);
  const column = Math.max(1, parseInt(textarea.dataset.errorColumn || "1", 10));
  const from = Math.min(info.to, info.from + column - 1);
  const rest = state.doc.sliceString(from, info.to);
  const word = /^\S+/.exec(rest);
  const to = word ? from + word[0].length : Math.min(info.to, from + 1);
  const message = textarea.dataset.errorMessage || "Syntax error";
  const diagnostic = { from, to: Math.max(to, from), severity: "error", message, source: "SPARQL endpoint" };
  const declare = /PREFIX ([A-Za-z][\w-]*): <([^>\s]+)>/.exec(message);
  if (declare && declare[2] !== "namespace IRI") {
    diagnostic.actions = [{
      name: `Add PREFIX ${declare[1]}:`,
      apply(view) {
        const change = withPrefixLine(view, {}, { [declare[1]]: declare[2] });
        if (change) view.dispatch({ changes: change });
      },
    }];
  }
  return [diagnostic];
}

// -- tabs and history ----------------------------------------------------------------------------------

function setupTabs(form, view, strings) {
  const bar = document.createElement("div");
  bar.className = "wb-tabs";
  bar.setAttribute("role", "tablist");
  bar.setAttribute("aria-label", strings.tabs);
  form.insertBefore(bar, form.querySelector(".cm-editor"));
  let state = load(STORE_TABS, null);
  const current = view.state.doc.toString();
  if (!state || !Array.isArray(state.tabs) || !state.tabs.length) state = { tabs: [{ text: current }], active: 0 };
  state.active = Math.min(state.active || 0, state.tabs.length - 1);
  state.tabs[state.active].text = current; // the page shows what was run: it belongs to the open tab
  const setText = (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  const render = () => {
    bar.textContent = "";
    state.tabs.forEach((tab, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "wb-tab";
      button.setAttribute("role", "tab");
      button.setAttribute("aria-selected", index === state.active ? "true" : "false");
      const own = document.documentElement.lang === "sv" ? /^\s*#\s*title@sv:\s*(.+)$/m.exec(tab.text) : null;
      const title = (own || /^\s*#\s*title:\s*(.+)$/m.exec(tab.text) || [])[1];
      button.textContent = title ? title.slice(0, 24) : `${strings.query} ${index + 1}`;
      button.addEventListener("click", () => {
        state.tabs[state.active].text = view.state.doc.toString();
        state.active = index;
        setText(state.tabs[index].text);
        save(STORE_TABS, state);
        render();
      });
      bar.appendChild(button);
      if (state.tabs.length > 1) {
        const close = document.createElement("button");
        close.type = "button";
        close.className = "wb-tab-close";
        close.setAttribute("aria-label", `× ${button.textContent}`);
        close.textContent = "×";
        close.addEventListener("click", () => {
          state.tabs.splice(index, 1);
          if (state.active >= index && state.active > 0) state.active -= 1;
          setText(state.tabs[state.active].text);
          save(STORE_TABS, state);
          render();
        });
        bar.appendChild(close);
      }
    });
    const add = document.createElement("button");
    add.type = "button";
    add.className = "wb-tab-new";
    add.textContent = "+";
    add.title = strings.newTab;
    add.setAttribute("aria-label", strings.newTab);
    add.addEventListener("click", () => {
      state.tabs[state.active].text = view.state.doc.toString();
      state.tabs.push({ text: "" });
      state.active = state.tabs.length - 1;
      setText("");
      save(STORE_TABS, state);
      render();
      view.focus();
    });
    bar.appendChild(add);
  };
  render();
  save(STORE_TABS, state);
  return () => {
    state.tabs[state.active].text = view.state.doc.toString();
    save(STORE_TABS, state);
  };
}

function setupHistory(form, view, strings) {
  const entries = load(STORE_HISTORY, []);
  const wrap = document.createElement("div");
  wrap.className = "wb-history";
  const label = document.createElement("label");
  label.textContent = strings.history;
  label.htmlFor = "wb-history";
  const select = document.createElement("select");
  select.id = "wb-history";
  const first = document.createElement("option");
  first.value = "";
  first.textContent = `${entries.length} ${strings.queries}`;
  select.appendChild(first);
  entries.forEach((entry, index) => {
    const option = document.createElement("option");
    option.value = String(index);
    const oneLine = entry.text.replace(/^(?:\s*(?:#|PREFIX)[^\n]*\n)*/i, "").replace(/\s+/g, " ").trim();
    option.textContent = `${new Date(entry.at).toLocaleString()} · ${oneLine.slice(0, 60)}`;
    select.appendChild(option);
  });
  select.addEventListener("change", () => {
    const entry = entries[parseInt(select.value, 10)];
    if (entry) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: entry.text } });
  });
  wrap.append(label, select);
  form.querySelector(".form-row").appendChild(wrap);
  return (text) => {
    const kept = entries.filter((entry) => entry.text !== text);
    kept.unshift({ text, at: Date.now() });
    save(STORE_HISTORY, kept.slice(0, HISTORY_MAX));
  };
}

// -- the result table: sorting and paging ---------------------------------------------------------------

function cellValue(cell) {
  const text = cell.textContent.trim();
  const number = Number(text.replace(/\s|\u00a0/g, ""));
  return text !== "" && !Number.isNaN(number) ? number : text.toLocaleLowerCase();
}

function enhanceTable(table, strings) {
  const body = table.tBodies[0];
  if (!body) return;
  const rows = Array.from(body.rows);
  let page = 0;
  const pager = document.createElement("p");
  pager.className = "wb-pager";
  const show = () => {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_ROWS));
    page = Math.min(page, pages - 1);
    rows.forEach((row, index) => {
      row.hidden = Math.floor(index / PAGE_ROWS) !== page;
    });
    pager.textContent = "";
    if (pages < 2) return;
    const prev = document.createElement("button");
    prev.type = "button";
    prev.textContent = strings.previous;
    prev.disabled = page === 0;
    prev.addEventListener("click", () => { page -= 1; show(); });
    const next = document.createElement("button");
    next.type = "button";
    next.textContent = strings.next;
    next.disabled = page >= pages - 1;
    next.addEventListener("click", () => { page += 1; show(); });
    const where = document.createElement("span");
    where.textContent = ` ${strings.page} ${page + 1} / ${pages} `;
    pager.append(prev, where, next);
  };
  Array.from(table.tHead.rows[0].cells).forEach((th, column) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "wb-sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.from(table.tHead.rows[0].cells).forEach((other) => other.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort((a, b) => {
        const x = cellValue(a.cells[column]);
        const y = cellValue(b.cells[column]);
        const order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
        return ascending ? order : -order;
      });
      rows.forEach((row) => body.appendChild(row));
      page = 0;
      show();
    });
  });
  table.parentNode.insertBefore(pager, table.nextSibling);
  show();
}

// -- putting it together ----------------------------------------------------------------------------------

function start() {
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  if (!form || !textarea) return;
  const d = document.documentElement.lang === "sv";
  const strings = d
    ? { tabs: "Frågeflikar", query: "Fråga", newTab: "Ny flik", history: "Historik", previous: "Föregående",
        next: "Nästa", page: "Sida", queries: "frågor" }
    : { tabs: "Query tabs", query: "Query", newTab: "New tab", history: "History", previous: "Previous",
        next: "Next", page: "Page", queries: "queries" };
  const run = () => {
    form.requestSubmit ? form.requestSubmit() : form.submit();
    return true;
  };
  const extensions = [
    lineNumbers(), highlightActiveLineGutter(), history(), drawSelection(), indentOnInput(),
    StreamLanguage.define(sparql), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    bracketMatching(), closeBrackets(), highlightActiveLine(),
    autocompletion({ override: [graphCompletions(form.dataset.complete || "/sparql/complete", form.dataset.lang || "en")],
                     activateOnTyping: true }),
    lintGutter(),
    keymap.of([
      { key: "Mod-Enter", run, preventDefault: true },
      { key: "Mod-/", run: toggleComment },
      ...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, indentWithTab, ...defaultKeymap,
    ]),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ "aria-label": form.querySelector("label[for=query]").textContent }),
  ];
  if (NONCE) extensions.push(EditorView.cspNonce.of(NONCE));
  const view = new EditorView({
    state: EditorState.create({ doc: textarea.value, extensions }),
  });
  textarea.parentNode.insertBefore(view.dom, textarea);
  textarea.hidden = true;
  textarea.setAttribute("aria-hidden", "true");
  form.classList.add("wb-enhanced");
  const diagnostics = errorDiagnostics(view.state, textarea);
  if (diagnostics.length) {
    view.dispatch(setDiagnostics(view.state, diagnostics));
    view.dispatch({ selection: { anchor: diagnostics[0].from }, scrollIntoView: true });
  }
  const saveTabs = setupTabs(form, view, strings);
  const remember = setupHistory(form, view, strings);
  form.addEventListener("submit", () => {
    textarea.value = view.state.doc.toString();
    saveTabs();
    remember(textarea.value);
  });
  window.addEventListener("pagehide", saveTabs);
  document.querySelectorAll("table[data-sortable]").forEach((table) => enhanceTable(table, strings));
  document.querySelectorAll(".embed textarea").forEach((box) => box.addEventListener("focus", () => box.select()));
  // the completion index is built once per graph generation: ask for it while the reader reads
  fetch(`${form.dataset.complete || "/sparql/complete"}?q=`, { headers: { Accept: "application/json" } })
    .catch(() => null);
  window.partnergraphWorkbench = { view, startCompletion: () => startCompletion(view) };
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
