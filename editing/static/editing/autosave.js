// Autosave of an admin form (templates/admin/editing/autosave.html): what the editor
// types is kept on the server every few seconds and when the tab is closed, apart from
// the object itself, and offered back when the form is opened again.
;(() => {
  const INTERVAL = 5000
  const root = document.querySelector("[data-autosave-url]")
  if (!root) return

  // A new article's form keeps its draft apart from every other new one: under a key it
  // makes up and writes into its address, so that reloading the tab, or the browser
  // reopening it, finds the same draft (editing.models.form_address).
  function newFormKey() {
    if (!("autosaveNew" in root.dataset)) return ""
    const here = new URL(window.location.href)
    let key = here.searchParams.get("draft") || ""
    if (!/^[A-Za-z0-9-]{1,64}$/.test(key)) {
      const bytes = crypto.getRandomValues(new Uint8Array(12))
      key = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")
      here.searchParams.set("draft", key)
      window.history.replaceState(window.history.state, "", here)
    }
    return `?draft=${key}`
  }
  const form = root.closest("form")
  const url = root.dataset.autosaveUrl
  const path = root.dataset.autosavePath + newFormKey()
  const status = root.querySelector(".autosave__status")
  const offer = root.querySelector(".autosave__offer")
  const message = (name, time = "") =>
    root
      .querySelector(`.autosave__messages`)
      .content.querySelector(`[data-message="${name}"]`)
      .textContent.replace("{time}", time)
  const token = () => form.querySelector("[name=csrfmiddlewaretoken]").value

  // The rich-text editors, by their textarea's name, to put recovered text back.
  const editors = new Map()
  document.addEventListener("prose-editor:ready", (event) => {
    editors.set(event.detail.textarea.name, event.detail.editor)
  })

  const fields = () => {
    const data = {}
    for (const [name, value] of new FormData(form)) {
      if (name === "csrfmiddlewaretoken" || value instanceof File) continue
      if (name in data) data[name] = [].concat(data[name], value)
      else data[name] = value
    }
    // What each chosen option reads: an autocomplete select (the cover) holds only the
    // options chosen in this page, so a recovered choice brings its words with it.
    const labels = {}
    for (const select of form.querySelectorAll("select[name]")) {
      for (const option of select.selectedOptions) {
        if (!option.value) continue
        labels[select.name] ||= {}
        labels[select.name][option.value] = option.textContent
      }
    }
    data._labels = labels
    return data
  }

  const body = (extra) => {
    const sent = new FormData()
    sent.append("csrfmiddlewaretoken", token())
    sent.append("path", path)
    for (const [key, value] of Object.entries(extra)) sent.append(key, value)
    return sent
  }

  let changed = false
  let submitting = false
  form.addEventListener("input", () => {
    changed = true
  })
  form.addEventListener("change", () => {
    changed = true
  })
  form.addEventListener("submit", (event) => {
    // The preview posts the form into another tab: this one goes on being typed in.
    if (event.submitter?.formTarget === "_blank") return
    submitting = true
  })

  const keep = async () => {
    if (!changed || submitting) return
    changed = false
    try {
      const response = await fetch(url, {
        method: "POST",
        body: body({ data: JSON.stringify(fields()) }),
        credentials: "same-origin",
      })
      if (!response.ok) throw new Error(response.statusText)
      const kept = await response.json()
      status.textContent = message("saved", kept.saved_time_display)
    } catch {
      changed = true
      status.textContent = message("failed")
    }
  }
  setInterval(keep, INTERVAL)

  // Closing the tab: the last keystrokes go out even though the page is leaving.
  const keepNow = () => {
    if (!changed || submitting) return
    changed = false
    navigator.sendBeacon(url, body({ data: JSON.stringify(fields()) }))
  }
  window.addEventListener("pagehide", keepNow)
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") keepNow()
  })

  const restore = (data) => {
    const labels = data._labels || {}
    for (const [name, value] of Object.entries(data)) {
      if (name === "_labels") continue
      const values = [].concat(value)
      for (const element of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (element.type === "file") continue
        // Hidden fields are the page's own, but for the revision the text was typed on:
        // a save of recovered text someone has saved over since is then a conflict
        // (sitewide/revisions.py), not a silent overwrite.
        if (element.type === "hidden" && name !== "_edited_from") continue
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = values.includes(element.value)
        } else if (element.tagName === "SELECT") {
          for (const chosen of values) {
            const known = Array.from(element.options).some((option) => option.value === chosen)
            if (chosen && !known) {
              element.add(new Option(labels[name]?.[chosen] || chosen, chosen))
            }
          }
          for (const option of element.options) option.selected = values.includes(option.value)
        } else {
          element.value = values[0]
        }
        const editor =
          editors.get(name) ||
          element.closest(".prose-editor")?.querySelector(".ProseMirror")?.editor
        if (editor) editor.commands.setContent(values[0], { emitUpdate: true })
        element.dispatchEvent(new Event("change", { bubbles: true }))
      }
    }
  }

  // The editor's other new forms with unsaved text: links back to each, never offered
  // here, where another story is being written.
  const listOthers = (others) => {
    const box = root.querySelector(".autosave__others")
    const list = box.querySelector("ul")
    for (const other of others) {
      const link = document.createElement("a")
      link.href = other.url
      link.textContent = other.title
      const item = document.createElement("li")
      item.append(link, ` (${other.saved_at_display})`)
      list.append(item)
    }
    box.hidden = others.length === 0
  }

  const offerRecovery = async () => {
    const response = await fetch(`${url}?path=${encodeURIComponent(path)}`, {
      credentials: "same-origin",
    })
    if (!response.ok) return
    const kept = await response.json()
    listOthers(kept.others || [])
    if (!kept.data) return
    offer.querySelector(".autosave__when").textContent = kept.saved_at_display
    offer.hidden = false
    offer.querySelector(".autosave__recover").addEventListener("click", () => {
      restore(kept.data)
      offer.hidden = true
      status.textContent = message("recovered")
      changed = true
    })
    offer.querySelector(".autosave__discard").addEventListener("click", () => {
      offer.hidden = true
      fetch(url, { method: "POST", body: body({ discard: "1" }), credentials: "same-origin" })
    })
  }
  // Once the page's own scripts are in: the admin makes no other request meanwhile.
  if (document.readyState === "complete") offerRecovery()
  else window.addEventListener("load", offerRecovery)
})()
