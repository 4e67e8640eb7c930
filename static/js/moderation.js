// Keyboard triage on the comments changelist: j/k (or the arrows) move between pending
// comments, a approves, r rejects, s marks as spam, u undoes the last decision (the
// button of its message). The buttons work without it.
(() => {
  const form = document.getElementById("decide-form");
  if (!form) return;
  const rows = () => Array.from(document.querySelectorAll(".decide"));
  const decisions = { a: "approve", r: "reject", s: "spam" };
  const moves = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 };
  const typing = "textarea, select, input:not([type=checkbox], [type=radio], [type=submit], [type=button])";

  const focusRow = (row) => {
    row.querySelector("button").focus();
    row.scrollIntoView({ block: "nearest" });
  };
  const currentRow = () => document.activeElement && document.activeElement.closest(".decide");

  if (rows().length) document.getElementById("decide-keys").hidden = false;

  // Back from a decision: the keyboard is on the row that followed the decided one. The
  // address names it with "#next-<id>", which no element has: a fragment naming the row
  // would make the browser drop the focus when it scrolls there after loading.
  const wanted = location.hash.match(/^#next-(\d+)$/);
  const target = wanted && document.getElementById(`decide-${wanted[1]}`);
  if (target) focusRow(target);

  // Whichever button decided, come back to the neighbouring pending row.
  form.addEventListener("submit", (event) => {
    const all = rows();
    const index = all.indexOf(event.submitter && event.submitter.closest(".decide"));
    const neighbour = all[index + 1] || all[index - 1];
    const next = form.elements.next;
    next.value = next.value.split("#")[0] + (neighbour ? `#next-${neighbour.id.slice(7)}` : "");
  });

  // The Undo button of the message that confirmed the last decision, if any.
  const undo = document.querySelector(".messagelist .undo-form button");

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest && event.target.closest(typing)) return;
    const all = rows();
    if (!all.length && !(event.key === "u" && undo)) return;
    const index = all.indexOf(currentRow());
    if (event.key in moves) {
      const step = moves[event.key];
      const wanted = index === -1 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
      focusRow(all[wanted]);
    } else if (event.key in decisions && index !== -1) {
      all[index].querySelector(`button[value="${decisions[event.key]}"]`).click();
    } else if (event.key === "u" && undo) {
      undo.click();
    } else {
      return;
    }
    event.preventDefault();
  });
})();
