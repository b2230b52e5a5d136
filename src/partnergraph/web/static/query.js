// Progressive enhancement for the query page: fill the editor from an example, run with Ctrl+Enter.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector("[data-examples]");
  var editor = document.getElementById("query");
  if (select && editor) {
    select.addEventListener("change", function () {
      var tpl = document.getElementById("example-" + select.value);
      if (tpl) { editor.value = tpl.innerHTML.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&"); }
    });
  }
  if (editor) {
    editor.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { editor.form.submit(); }
    });
  }
});
