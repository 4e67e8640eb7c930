// The tags input (editing/widgets.py) suggests existing tags for the name being typed,
// the one after the last comma: arrows move through the list, Enter or a click takes
// one, Escape closes it. The ARIA "list autocomplete" combobox pattern.
;(() => {
  const DELAY = 150

  const enhance = (input) => {
    const list = document.createElement("ul")
    list.id = `${input.id}-suggestions`
    list.className = "tag-suggest"
    list.setAttribute("role", "listbox")
    list.setAttribute("aria-label", input.dataset.suggestLabel)
    list.hidden = true
    const status = document.createElement("p")
    status.className = "tag-suggest__status"
    status.setAttribute("role", "status")
    input.after(list, status)
    input.setAttribute("role", "combobox")
    input.setAttribute("aria-autocomplete", "list")
    input.setAttribute("aria-expanded", "false")
    input.setAttribute("aria-controls", list.id)
    input.parentElement.classList.add("tag-suggest__field")

    let active = -1
    let timer
    let asked = ""

    // The name being typed: from the comma before the caret to the next one.
    const token = () => {
      const caret = input.selectionStart ?? input.value.length
      const start = input.value.lastIndexOf(",", caret - 1) + 1
      const comma = input.value.indexOf(",", caret)
      const end = comma === -1 ? input.value.length : comma
      return { start, end, text: input.value.slice(start, end).trim() }
    }
    const chosen = () =>
      new Set(
        input.value
          .split(",")
          .map((name) => name.trim().toLowerCase())
          .filter(Boolean),
      )

    const close = () => {
      list.hidden = true
      list.replaceChildren()
      active = -1
      input.setAttribute("aria-expanded", "false")
      input.removeAttribute("aria-activedescendant")
    }
    const highlight = (index) => {
      const options = list.children
      if (!options.length) return
      active = (index + options.length) % options.length
      for (const [i, option] of [...options].entries()) {
        option.setAttribute("aria-selected", String(i === active))
      }
      input.setAttribute("aria-activedescendant", options[active].id)
      options[active].scrollIntoView({ block: "nearest" })
    }
    const take = (name) => {
      const { start, end } = token()
      const before = input.value.slice(0, start).replace(/\s*$/, "")
      const after = input.value.slice(end).replace(/^,?\s*/, "")
      // A name with a comma is written in quotes, as taggit reads it.
      const written = name.includes(",") ? `"${name}"` : name
      const head = before ? `${before} ${written}, ` : `${written}, `
      input.value = head + after
      input.setSelectionRange(head.length, head.length)
      input.dispatchEvent(new Event("input", { bubbles: true }))
      close()
      input.focus()
    }
    const show = (names) => {
      const taken = chosen()
      const fresh = names.filter((name) => !taken.has(name.toLowerCase()))
      list.replaceChildren(
        ...fresh.map((name, i) => {
          const option = document.createElement("li")
          option.id = `${list.id}-${i}`
          option.setAttribute("role", "option")
          option.setAttribute("aria-selected", "false")
          option.textContent = name
          // mousedown, not click: the input keeps the focus.
          option.addEventListener("mousedown", (event) => {
            event.preventDefault()
            take(name)
          })
          return option
        }),
      )
      active = -1
      list.hidden = fresh.length === 0
      input.setAttribute("aria-expanded", String(fresh.length > 0))
      input.removeAttribute("aria-activedescendant")
      status.textContent = fresh.length
        ? input.dataset.suggestCount.replace("{n}", fresh.length)
        : ""
    }
    const suggest = async () => {
      const { text } = token()
      asked = text
      if (!text) return close()
      const url = `${input.dataset.suggestUrl}?q=${encodeURIComponent(text)}`
      const response = await fetch(url, { credentials: "same-origin" })
      if (!response.ok || asked !== text) return
      show((await response.json()).tags)
    }

    input.addEventListener("input", (event) => {
      clearTimeout(timer)
      timer = setTimeout(suggest, DELAY)
    })
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) return
        event.preventDefault()
        highlight(active + (event.key === "ArrowDown" ? 1 : -1))
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault() // takes the tag, never submits the form
        take(list.children[active].textContent)
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault()
        close()
      }
    })
    input.addEventListener("blur", () => setTimeout(close, 0))
  }

  const start = () => {
    for (const input of document.querySelectorAll("input[data-suggest-url]")) enhance(input)
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
