// The query page without the editor bundle (make assets): Ctrl+Enter runs the query.
document.addEventListener("DOMContentLoaded", function () {
  var editor = document.getElementById("query");
  if (editor) {
    editor.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { editor.form.submit(); }
    });
  }
});
