// The live coverage desk (admin/blog/article/live.html): Enter posts the entry, Shift+Enter
// starts a new line. Without the script the Post button does the same.
for (const box of document.querySelectorAll("textarea[data-live-desk]")) {
  box.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (box.value.trim()) box.form.requestSubmit();
  });
}
