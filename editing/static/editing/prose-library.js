// Carnet's additions to django-prose-editor: images keep their srcset, and the
// figure button opens the library (same origin, with alt text, caption and
// renditions): a grid of thumbnails with their captions, a search, and an upload of
// one or several files (chosen or dropped), each described before it is added. New
// images are listed at once, ready to insert.
import {
  Figure as BaseFigure,
  Image as BaseImage,
  crel,
} from "django-prose-editor/editor"

export const Image = BaseImage.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      srcset: { default: null },
      sizes: { default: null },
    }
  },
})

// At the end of the selection (the selected words stay), where the dialog was opened.
const insertFromLibrary = (editor, image, at) => {
  const content = [
    {
      type: "image",
      attrs: {
        src: image.src,
        srcset: image.srcset || null,
        sizes: image.sizes || null,
        alt: image.alt,
        width: image.width,
        height: image.height,
      },
    },
  ]
  if (image.caption) {
    content.push({
      type: "caption",
      content: [{ type: "text", text: image.caption }],
    })
  }
  editor.chain().focus().insertContentAt(at, { type: "figure", content }).run()
}

let dialogs = 0

const format = (text, values) =>
  text.replace(/\{(\w+)\}/g, (_match, key) => String(values[key] ?? ""))

const csrfToken = () =>
  document.querySelector("[name=csrfmiddlewaretoken]")?.value ||
  document.cookie.match(/(?:^|; )csrftoken=([^;]+)/)?.[1] ||
  ""

// One tile of the grid: the thumbnail in a fixed frame, its caption (else its alt
// text) under it. The button's name is what the tile says, the alt text first when
// the caption is shown.
const tile = (image, messages, onChoose, isNew = false) => {
  const caption = image.caption || image.alt
  const choose = crel("button", { type: "button", className: "library-tile" }, [
    crel("span", { className: "library-tile__frame" }, [
      crel("img", {
        src: image.thumbnail,
        alt: image.caption ? image.alt : "",
        width: image.width,
        height: image.height,
        loading: "lazy",
        decoding: "async",
      }),
    ]),
    crel("span", { className: "library-tile__caption", textContent: caption }),
  ])
  if (isNew) {
    choose.prepend(crel("span", { className: "library-tile__new", textContent: messages.new }))
  }
  choose.addEventListener("click", () => onChoose(image))
  return crel("li", { className: isNew ? "library-tile--new" : "" }, [choose])
}

// A file waiting to be described: its preview and the fields the library asks for.
const pendingFile = (file, index, messages) => {
  const id = (name) => `library-upload-${dialogs}-${index}-${name}`
  const field = (name, label, attrs = {}) =>
    crel("div", { className: "library-upload__field" }, [
      crel("label", { htmlFor: id(name), textContent: label }),
      crel("input", { id: id(name), name, type: "text", maxLength: 250, ...attrs }),
    ])
  const preview = crel("img", { alt: "", className: "library-upload__preview" })
  const reader = new FileReader()
  reader.addEventListener("load", () => {
    preview.src = reader.result
  })
  reader.readAsDataURL(file)
  const remove = crel("button", {
    type: "button",
    className: "library-upload__remove",
    textContent: messages.remove,
  })
  const item = crel("li", { className: "library-upload__file" }, [
    preview,
    crel("div", { className: "library-upload__fields" }, [
      crel("p", { className: "library-upload__name", textContent: file.name }),
      field("alt", messages.alt, { required: true, "aria-describedby": id("help") }),
      crel("p", { id: id("help"), className: "library-upload__help", textContent: messages.altHelp }),
      field("caption", messages.caption),
      field("credit", messages.credit, { maxLength: 150 }),
      remove,
    ]),
  ])
  item.file = file
  remove.addEventListener("click", () => item.remove())
  return item
}

const openLibrary = (editor, { libraryUrl, uploadUrl, messages }) => {
  const at = editor.state.selection.to
  const n = ++dialogs
  const titleId = `library-dialog-${n}-title`
  const search = crel("input", { type: "search", name: "q", id: `library-dialog-${n}-search` })
  const list = crel("ul", { className: "library-dialog__images", "aria-label": messages.images })
  const status = crel("p", { className: "library-dialog__status", role: "status" })
  const cancel = crel("button", { type: "button", textContent: messages.cancel })
  const files = crel("input", {
    type: "file",
    id: `library-dialog-${n}-files`,
    multiple: true,
    accept: "image/jpeg,image/png,image/webp,image/gif",
  })
  const pending = crel("ul", { className: "library-upload__files" })
  const send = crel("button", { type: "submit", textContent: messages.send })
  const uploadForm = crel("form", { className: "library-upload__form", hidden: true }, [
    crel("p", { textContent: messages.describe }),
    pending,
    crel("div", { className: "prose-editor-dialog-buttons" }, [send]),
  ])
  const uploadStatus = crel("p", { className: "library-upload__status", role: "status" })
  const dropZone = crel("section", { className: "library-upload" }, [
    crel("h4", { className: "library-upload__title", textContent: messages.upload }),
    crel("p", { className: "library-upload__choose" }, [
      crel("label", { htmlFor: files.id, textContent: messages.choose }),
      " ",
      files,
      " ",
      crel("span", { textContent: messages.drop }),
    ]),
    uploadForm,
    uploadStatus,
  ])
  const dialog = crel(
    "dialog",
    { className: "prose-editor-dialog library-dialog", "aria-labelledby": titleId },
    [
      crel("h3", { className: "prose-editor-dialog-title", id: titleId, textContent: messages.title }),
      dropZone,
      crel("div", { className: "prose-editor-dialog-field", role: "search" }, [
        crel("label", { htmlFor: search.id, textContent: messages.search }),
        search,
      ]),
      status,
      list,
      crel("div", { className: "prose-editor-dialog-buttons" }, [cancel]),
    ],
  )
  // Outside the admin's form: the dialog's fields are never part of the article's.
  document.body.append(dialog)

  const choose = (image) => {
    dialog.close()
    insertFromLibrary(editor, image, at)
  }

  const load = async () => {
    const url = `${libraryUrl}?q=${encodeURIComponent(search.value)}`
    const response = await fetch(url, { credentials: "same-origin" })
    const { images } = await response.json()
    list.replaceChildren(...images.map((image) => tile(image, messages, choose)))
    status.textContent = images.length ? "" : messages.none
  }

  const describe = (chosen) => {
    for (const file of chosen) {
      if (!file.type.startsWith("image/")) {
        uploadStatus.textContent = format(messages.failed, {
          name: file.name,
          reason: messages.notImage,
        })
        continue
      }
      pending.append(pendingFile(file, pending.children.length, messages))
    }
    uploadForm.hidden = pending.children.length === 0
    pending.querySelector("input[name=alt]")?.focus()
  }

  const upload = async () => {
    const items = [...pending.children]
    const added = []
    const failures = []
    send.disabled = true
    for (const [index, item] of items.entries()) {
      uploadStatus.textContent = format(messages.sending, { n: index + 1, total: items.length })
      const data = new FormData()
      data.append("csrfmiddlewaretoken", csrfToken())
      data.append("file", item.file, item.file.name)
      for (const input of item.querySelectorAll("input")) data.append(input.name, input.value)
      try {
        const response = await fetch(uploadUrl, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() },
        })
        const answer = await response.json().catch(() => ({}))
        if (!response.ok) {
          const reasons = answer.errors ? Object.values(answer.errors).flat() : [answer.error]
          throw new Error(reasons.filter(Boolean).join(" ") || response.statusText)
        }
        added.push(answer.image)
        item.remove()
      } catch (error) {
        failures.push(format(messages.failed, { name: item.file.name, reason: error.message }))
      }
    }
    send.disabled = false
    uploadForm.hidden = pending.children.length === 0
    // The new images first, marked, without waiting for another search.
    list.prepend(...added.map((image) => tile(image, messages, choose, true)))
    if (added.length) status.textContent = ""
    const names = added.map((image) => image.alt).join(", ")
    uploadStatus.textContent = [
      added.length ? format(messages.added, { names }) : "",
      ...failures,
    ].join(" ")
    list.querySelector(".library-tile--new button")?.focus()
  }

  files.addEventListener("change", () => {
    describe(files.files)
    files.value = ""
  })
  for (const type of ["dragenter", "dragover"]) {
    dialog.addEventListener(type, (event) => {
      if (![...(event.dataTransfer?.types || [])].includes("Files")) return
      event.preventDefault()
      dropZone.classList.add("library-upload--over")
    })
  }
  dialog.addEventListener("dragleave", (event) => {
    if (!dialog.contains(event.relatedTarget)) dropZone.classList.remove("library-upload--over")
  })
  dialog.addEventListener("drop", (event) => {
    dropZone.classList.remove("library-upload--over")
    if (!event.dataTransfer?.files.length) return
    event.preventDefault()
    describe(event.dataTransfer.files)
  })
  uploadForm.addEventListener("submit", (event) => {
    event.preventDefault()
    upload()
  })

  let timer
  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(load, 250)
  })
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault()
      clearTimeout(timer)
      load()
    }
  })
  cancel.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => dialog.remove())
  dialog.showModal()
  load()
}

export const Figure = BaseFigure.extend({
  addOptions() {
    return { ...this.parent?.(), libraryUrl: null, uploadUrl: null, messages: {} }
  },

  addCommands() {
    const commands = this.parent?.() || {}
    return {
      ...commands,
      insertFigure:
        () =>
        (props) => {
          const { state, dispatch } = props
          // In a figure: edit it (its alt text, its caption) as before.
          if (state.selection.$from.node(1)?.type.name === "figure") {
            return commands.editImage()(props)
          }
          if (dispatch) openLibrary(props.editor, this.options)
          return true
        },
    }
  },
})

// The editing area is named after its field's label, as the textarea it replaces was.
document.addEventListener("prose-editor:ready", ({ detail: { editor, textarea } }) => {
  const label = document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`)
  if (label) editor.view.dom.setAttribute("aria-label", label.textContent.replace(/:$/, ""))
  editor.view.dom.setAttribute("aria-multiline", "true")
})
