// Who else has this change form open (templates/admin/editing/presence.html): the tab
// says it is open every few seconds, and shows the others the server names, and whoever
// saved the object since the form was opened; it says it is done when it is saved.
;(() => {
  const root = document.querySelector("[data-presence-url]")
  if (!root) return
  const form = root.closest("form")
  const url = root.dataset.presenceUrl
  const path = root.dataset.presencePath
  const others = root.querySelector(".presence__others")
  const saved = root.querySelector(".presence__saved")
  const message = (name) =>
    root.querySelector(".presence__messages").content.querySelector(`[data-message="${name}"]`)
      .textContent

  const body = (extra) => {
    const sent = new FormData()
    sent.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value)
    sent.append("path", path)
    sent.append("edited_from", form.querySelector("[name=_edited_from]")?.value || "")
    for (const [key, value] of Object.entries(extra)) sent.append(key, value)
    return sent
  }

  const show = (answer) => {
    const names = answer.others.map(
      (other) => `${other.name} (${message("since").replace("{time}", other.since)})`,
    )
    const text = names.length
      ? message(names.length === 1 ? "one" : "many").replace("{names}", names.join(", "))
      : ""
    // Rewritten only when it changes: a live region repeats what is written into it.
    if (others.textContent !== text) others.textContent = text
    others.hidden = !text
    if (answer.saved) {
      const said = message("saved")
        .replace("{name}", answer.saved.name)
        .replace("{time}", answer.saved.at)
      if (saved.textContent !== said) saved.textContent = said
      saved.hidden = false
    }
  }

  // The server says when to beat next (settings.EDITING_PRESENCE_SECONDS).
  let open = true
  let next = 15
  const ping = async () => {
    if (!open) return
    try {
      const response = await fetch(url, {
        method: "POST",
        body: body({}),
        credentials: "same-origin",
      })
      if (response.ok) {
        const answer = await response.json()
        next = answer.every || next
        show(answer)
      }
    } catch {
      // The next beat tries again; the form works without it.
    }
    setTimeout(ping, next * 1000)
  }
  ping()
  // Saved, the form is done with. A tab closed unsaved stops beating and drops out after
  // editing.models.presence_timeout(): nothing is sent while it closes.
  form.addEventListener("submit", (event) => {
    if (event.submitter?.formTarget === "_blank") return // the preview, in another tab
    open = false
    navigator.sendBeacon(url, body({ leave: "1" }))
  })
  // Back from the browser's page cache: the form is open again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return
    open = true
    ping()
  })
})()
