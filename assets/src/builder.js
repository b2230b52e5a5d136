// The query builder's page (/builder): Sparnatural, configured from the SHACL shapes the server
// derives (/builder/config.ttl), queries /sparql on this origin only. The built query's results
// come back from /builder/results as the workbench's result views; the address and a short link
// (/q/...) keep the built query.
import "sparnatural/dist/browser";
import "../node_modules/sparnatural/dist/browser/sparnatural.css";
import "./builder.css";

const STATE = "state";          // the address parameter holding the built query (Sparnatural's JSON)
const MARK = "#builder ";       // a short link's first line: the built query, before its SPARQL

function start(root) {
  const element = document.createElement("spar-natural");
  for (const [name, value] of Object.entries({
    src: root.dataset.config, endpoint: root.dataset.endpoint, lang: root.dataset.lang, defaultLang: "en",
    distinct: "true", limit: "1000", maxOr: "5", submitButton: "true",
  })) element.setAttribute(name, value);
  root.appendChild(element);

  const actions = document.getElementById("builder-actions");
  const results = document.getElementById("builder-results");
  const editor = document.getElementById("builder-open");
  const share = document.getElementById("builder-share");
  const shared = document.getElementById("builder-link");
  let query = "", json = null, view = "Table";

  element.addEventListener("init", () => {
    const saved = new URLSearchParams(location.search).get(STATE);
    if (saved) {
      try { element.loadQuery(JSON.parse(saved)); } catch (err) { results.textContent = root.dataset.badState; }
    }
  });

  element.addEventListener("queryUpdated", (event) => {
    query = element.expandSparql(event.detail.queryString);
    json = event.detail.queryJson;
    editor.href = "/sparql?" + new URLSearchParams({ query });
    actions.hidden = false;
    shared.textContent = "";
    const params = new URLSearchParams(location.search);
    params.set(STATE, JSON.stringify(json));
    history.replaceState(null, "", location.pathname + "?" + params);
  });

  async function run() {
    if (!query) return;
    results.setAttribute("aria-busy", "true");
    try {
      const response = await fetch("/builder/results", {
        method: "POST", body: new URLSearchParams({ query, view }),
        headers: { Accept: "text/html", "Accept-Language": root.dataset.lang },
      });
      results.innerHTML = await response.text();     // a fragment the server rendered and escaped
    } catch (err) {
      results.textContent = root.dataset.failed;
    } finally {
      results.removeAttribute("aria-busy");
      element.enablePlayBtn();
    }
  }

  element.addEventListener("submit", () => { element.disablePlayBtn(); run(); });
  results.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-view]");
    if (!tab || tab.tagName !== "BUTTON") return;
    view = tab.dataset.view;
    run();
  });
  share.addEventListener("click", async () => {
    if (!query) return;
    const response = await fetch("/q", {
      method: "POST", headers: { Accept: "application/json" },
      body: new URLSearchParams({ query: MARK + JSON.stringify(json) + "\n" + query }),
    });
    const link = await response.json();
    shared.innerHTML = "";
    const anchor = document.createElement("a");
    anchor.href = link.url;
    anchor.textContent = link.absolute;
    shared.appendChild(anchor);
  });
}

// The goals in Sparnatural's lists carry the goal's number on its colour (/sdg-colours.css, from the graph).
const GOAL = /metadata\.un\.org\/sdg\/([0-9]{1,2})"/;
function colourGoals(node) {
  const options = node.matches?.(".select2-results__option") ? [node] : [...(node.querySelectorAll?.(".select2-results__option") || [])];
  for (const option of options) {
    const found = GOAL.exec(option.id || "");
    if (!found || option.querySelector(".sdg-swatch")) continue;
    const swatch = document.createElement("span");
    swatch.className = `sdg-swatch sdg-${found[1]}`;
    swatch.textContent = found[1];
    swatch.setAttribute("aria-hidden", "true");
    option.prepend(swatch);
  }
}
new MutationObserver((changes) => changes.forEach((c) => c.addedNodes.forEach(colourGoals)))
  .observe(document.body, { childList: true, subtree: true });

const root = document.getElementById("builder");
if (root) start(root);
